"""A run's step graph laid out for drawing as SVG.

The layout is igraph's layered (Sugiyama) layout: crossings reduced by the barycenter
heuristic, coordinates assigned and long edges routed through control points, all by
igraph. The layers are the longest-path layering igraph itself uses for an acyclic graph,
computed here in one pass because a run's graph is known to be acyclic (igraph's own
layering first breaks cycles, which costs a hundred times more on a 1,000-step chain).
This module then scales igraph's coordinates to boxes of a fixed size and turns the routes
into SVG path data; the page template draws them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

NODE_WIDTH = 200
NODE_HEIGHT = 46
H_SPACING = NODE_WIDTH + 28  # distance between the centres of neighbours in one layer
V_SPACING = NODE_HEIGHT + 54  # distance between layers
MARGIN = 16
LABEL_CHARS = 26  # what fits in a box at the stylesheet's font size; the full name is in the tooltip


@dataclass(frozen=True)
class NodeBox:
    """One step's box: its name, top-left corner and the (possibly shortened) label shown in it."""

    name: str
    x: int
    y: int
    label: str


@dataclass(frozen=True)
class EdgePath:
    """One dependency: SVG path data from the bottom of ``source`` to the top of ``target``."""

    source: str
    target: str
    path: str


@dataclass(frozen=True)
class Drawing:
    """Everything the SVG template needs: the canvas size, the boxes and the edges."""

    width: int
    height: int
    nodes: tuple[NodeBox, ...]
    edges: tuple[EdgePath, ...]


def shorten(name: str, limit: int = LABEL_CHARS) -> str:
    """``name``, or its start and end around an ellipsis when it is longer than ``limit`` characters."""
    if len(name) <= limit:
        return name
    head = (limit - 1) * 2 // 3
    return f"{name[:head]}…{name[len(name) - (limit - 1 - head) :]}"


def layout(graph: Mapping[str, Sequence[str]]) -> Drawing:
    """Lay out ``graph`` (step name -> the names of the steps it depends on, in run order).

    Dependencies on names that are not keys of ``graph`` are ignored. The result is cached
    per graph, so a page that refreshes does not lay out the same run again.
    """
    key = tuple((name, tuple(upstream)) for name, upstream in graph.items())
    return _layout(key)


@lru_cache(maxsize=32)
def _layout(graph: tuple[tuple[str, tuple[str, ...]], ...]) -> Drawing:
    import igraph

    index = {name: position for position, (name, _) in enumerate(graph)}
    edges = [(index[source], index[target]) for target, upstream in graph for source in upstream if source in index]
    edges = list(dict.fromkeys(edges))  # an input connected twice to one upstream step is one line
    if not index:
        return Drawing(width=2 * MARGIN, height=2 * MARGIN, nodes=(), edges=())
    placed = igraph.Graph(n=len(index), edges=edges, directed=True).layout_sugiyama(layers=_layers(len(index), edges))
    coords = placed.coords
    routes = placed.edge_routing
    left = min(x for x, _ in coords)

    def centre(x: float, layer: float) -> tuple[float, float]:
        return (MARGIN + NODE_WIDTH / 2 + (x - left) * H_SPACING, MARGIN + layer * V_SPACING)

    nodes = []
    for name, position in index.items():
        cx, top = centre(*coords[position])
        nodes.append(NodeBox(name=name, x=round(cx - NODE_WIDTH / 2), y=round(top), label=shorten(name)))
    names = list(index)
    paths = []
    for number, (source, target) in enumerate(edges):
        sx, sy = centre(*coords[source])
        tx, ty = centre(*coords[target])
        points = [(sx, sy + NODE_HEIGHT)]
        for x, layer in routes[number]:  # a long edge passes its intermediate layers where igraph kept room
            cx, top = centre(x, layer)
            points += [(cx, top), (cx, top + NODE_HEIGHT)]
        points.append((tx, ty))
        paths.append(EdgePath(source=names[source], target=names[target], path=_curve(points)))
    width = max(node.x for node in nodes) + NODE_WIDTH + MARGIN
    height = max(node.y for node in nodes) + NODE_HEIGHT + MARGIN
    return Drawing(width=width, height=height, nodes=tuple(nodes), edges=tuple(paths))


def _layers(count: int, edges: list[tuple[int, int]]) -> list[int] | None:
    """Longest-path layers (each node one below its deepest upstream), or None if the graph has a cycle
    (stored data can say anything): igraph then breaks the cycles and layers the graph itself."""
    downstream: list[list[int]] = [[] for _ in range(count)]
    waiting = [0] * count
    for source, target in edges:
        downstream[source].append(target)
        waiting[target] += 1
    layer = [0] * count
    ready = [node for node in range(count) if not waiting[node]]
    done = 0
    while ready:
        node = ready.pop()
        done += 1
        for target in downstream[node]:
            layer[target] = max(layer[target], layer[node] + 1)
            waiting[target] -= 1
            if not waiting[target]:
                ready.append(target)
    return layer if done == count else None


def _curve(points: list[tuple[float, float]]) -> str:
    """SVG path data through ``points``: vertical cubic curves between consecutive points."""
    (x, y), rest = points[0], points[1:]
    parts = [f"M{x:.1f},{y:.1f}"]
    for nx, ny in rest:
        middle = (y + ny) / 2
        parts.append(f"C{x:.1f},{middle:.1f} {nx:.1f},{middle:.1f} {nx:.1f},{ny:.1f}")
        x, y = nx, ny
    return " ".join(parts)
