"""Export tools of the MGM toolkit: PyTorch architectures and checkpoints to ONNX, plus fixtures."""
