"""CUDA-graph replay of a module per input signature: takes the host's kernel-launch cost out of a
stage, so a table timed both ways tells launch-bound stages from compute-bound ones."""

from __future__ import annotations

import torch
from torch import nn


class GraphedModule:
    """Captures `module` once per (shape, dtype) of its inputs and replays it; falls back to eager for
    good (and says so) when a module cannot be captured, e.g. when it synchronises with the host."""

    def __init__(self, name: str, module: nn.Module) -> None:
        self.name, self.module, self.cache, self.eager = name, module, {}, False

    def __call__(self, *args: torch.Tensor):
        if self.eager:
            return self.module(*args)
        key = tuple((tuple(a.shape), a.dtype) for a in args)
        entry = self.cache.get(key)
        if entry is None:
            try:
                entry = self._capture(args)
            except Exception as error:  # capture refused: report once, time this module eagerly
                print(f"cuda graphs: {self.name} runs eagerly ({type(error).__name__}: {str(error)[:120]})", flush=True)
                self.eager = True
                torch.cuda.synchronize()
                return self.module(*args)
            self.cache[key] = entry
        graph, static_in, static_out = entry
        for dst, src in zip(static_in, args):
            dst.copy_(src)
        graph.replay()
        # replay overwrites the same output buffers: hand out copies, as a fresh eager call would
        return tuple(o.clone() for o in static_out) if isinstance(static_out, tuple) else static_out.clone()

    def _capture(self, args):
        static_in = [a.clone() for a in args]
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(2):
                self.module(*static_in)
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            static_out = self.module(*static_in)
        return graph, static_in, static_out

    def release(self) -> None:
        self.cache.clear()


def graphed(modules: dict[str, nn.Module]) -> dict[str, GraphedModule]:
    return {name: GraphedModule(name, module) for name, module in modules.items()}
