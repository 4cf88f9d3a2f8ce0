//! The self-contained `report.html` per trial and `index.html` per batch (issue 7).
