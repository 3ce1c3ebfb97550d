"""styrdok's faces: command line, Gradio app and HTTP API. They render, never compute."""
