"""7. Publication: finding and loading reports, the result store, notebook execution, atomic writes, the command line."""
