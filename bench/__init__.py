"""Load and speed measurements (see bench/README.md); a package only so gunicorn can import bench.settings."""
