import os

os.environ.setdefault("THOLOS_BACKEND", "torch")
