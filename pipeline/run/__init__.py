"""Running a batch: finding files, processing each in a worker, the run's record."""
