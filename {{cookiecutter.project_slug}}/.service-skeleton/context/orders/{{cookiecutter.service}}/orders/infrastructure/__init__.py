"""Where orders keeps its state: the database behind the application's ports."""
