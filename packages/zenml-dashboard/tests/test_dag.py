"""The layout: igraph places every step in layers, edges run between them, and long names are shortened."""

from __future__ import annotations

from itertools import pairwise

from zenml.integrations.dashboard.dag import NODE_HEIGHT, NODE_WIDTH, layout, shorten


def test_a_chain_goes_down_one_layer_per_step() -> None:
    drawing = layout({"a": [], "b": ["a"], "c": ["b"]})
    ys = [node.y for node in drawing.nodes]
    assert [node.name for node in drawing.nodes] == ["a", "b", "c"]
    assert ys == sorted(ys)
    assert len(set(ys)) == 3
    assert {(edge.source, edge.target) for edge in drawing.edges} == {("a", "b"), ("b", "c")}
    assert len({node.x for node in drawing.nodes}) == 1


def test_a_fan_out_puts_siblings_side_by_side_without_overlap() -> None:
    graph = {"source": [], **{f"branch{n}": ["source"] for n in range(5)}, "sink": [f"branch{n}" for n in range(5)]}
    drawing = layout(graph)
    branches = sorted((node for node in drawing.nodes if node.name.startswith("branch")), key=lambda node: node.x)
    assert len({node.y for node in branches}) == 1
    assert all(right.x - left.x >= NODE_WIDTH for left, right in pairwise(branches))
    by_name = {node.name: node for node in drawing.nodes}
    assert by_name["source"].y < branches[0].y < by_name["sink"].y
    assert drawing.width >= 5 * NODE_WIDTH
    assert drawing.height >= 3 * NODE_HEIGHT


def test_an_edge_that_skips_a_layer_is_routed_around_the_step_in_between() -> None:
    drawing = layout({"a": [], "b": ["a"], "c": ["a", "b"]})
    skip = next(edge for edge in drawing.edges if (edge.source, edge.target) == ("a", "c"))
    direct = next(edge for edge in drawing.edges if (edge.source, edge.target) == ("a", "b"))
    assert skip.path.count("C") > direct.path.count("C")  # through igraph's control points
    middle = next(node for node in drawing.nodes if node.name == "b")
    xs = [float(point.split(",")[0]) for point in skip.path.replace("M", "").replace("C", " ").split()]
    assert any(not middle.x <= x <= middle.x + NODE_WIDTH for x in xs[1:-1])


def test_unknown_upstream_names_are_ignored_and_an_empty_graph_draws_nothing() -> None:
    drawing = layout({"only": ["missing"]})
    assert [node.name for node in drawing.nodes] == ["only"]
    assert drawing.edges == ()
    assert layout({}).nodes == ()


def test_the_same_graph_is_laid_out_once() -> None:
    graph = {"x": [], "y": ["x"]}
    assert layout(graph) is layout(dict(graph))


def test_long_names_keep_their_start_and_end() -> None:
    name = "preprocess_the_training_images_for_the_model"
    short = shorten(name)
    assert len(short) == 26
    assert short.startswith("preprocess")
    assert short.endswith("model")
    assert "…" in short
    assert shorten("train") == "train"
