"""styrdok's faces: the command line, the Gradio app and the HTTP API. They render, never compute."""
