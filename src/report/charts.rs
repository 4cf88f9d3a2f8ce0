//! Report charts (issue 7), rendered with plotters into PNG bytes.
