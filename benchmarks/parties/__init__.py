"""The measured parties. Each module exposes ``build(workload, steps, inner, device, seed)``
returning ``{case: block}``; a block runs one timed unit of work (``steps`` batches, or
``inner`` one-sample calls) and returns how many units it ran. Blocks end synchronised: their
results are on the host (a NumPy value or a Python float), so asynchronous dispatch is paid
inside the timing."""
