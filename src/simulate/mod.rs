//! Gait and running simulator (work in progress).
