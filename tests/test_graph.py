
import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
import sympy

from graphcollapse.errors import GraphCollapseError
from graphcollapse.graph import from_dict, from_json, from_matrix, from_networkx, load


def base():
    return {"name": "t", "models": [{"id": "A", "n": 10, "real": "1/2"}, {"id": "B", "n": 20}],
            "edges": [{"from": "A", "to": "A", "weight": "1/2"}, {"from": "A", "to": "B", "weight": 1}]}


def test_pooled_counts_follow_weights_and_vice_versa():
    g = from_dict(base())
    assert g.edge_n == (5, 20)
    assert g.n_real == (5, 0)
    counts = from_dict({"models": [{"id": "A", "n_real": 3}, {"id": "B"}],
                        "edges": [{"from": "A", "to": "A", "n": 1}, {"from": "A", "to": "B", "n": 4}]})
    assert counts.n == (4, 4)
    assert counts.real == (sympy.Rational(3, 4), 0)
    assert counts.weights == (sympy.Rational(1, 4), 1)


def test_decimals_are_exact():
    g = from_json('{"models": [{"id": "A", "n": 10, "real": 0.1}], "edges": [{"from": "A", "to": "A", "weight": 0.9}]}')
    assert g.real == (sympy.Rational(1, 10),)
    assert g.weights == (sympy.Rational(9, 10),)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["edges"].append({"from": "A", "to": "Z", "weight": 0}), "edge A->Z: unknown model 'Z'"),
    (lambda d: d["models"].append({"id": "A"}), "duplicate model id 'A'"),
    (lambda d: d["edges"].append({"from": "A", "to": "B", "weight": 0}), "duplicate edge A->B"),
    (lambda d: d["edges"][0].update(weight="-1/2"), "edge A->A: negative weight -1/2"),
    (lambda d: d["edges"][0].update(weight="1/4"), "model 'A': weights sum to 3/4, not 1"),
    (lambda d: d["models"][0].update(n="5/2"), "model 'A': n must be a positive integer, got 5/2"),
    (lambda d: d["models"][0].update(n=0), "model 'A': n must be a positive integer, got 0"),
    (lambda d: d["edges"][0].update(weight="1 - q"), "unknown symbol 'q'"),
    (lambda d: d.update(models=[]), "graph has no models"),
    (lambda d: d["models"][0].update(nn=3), "model 'A': unknown field 'nn'"),
    (lambda d: d.update(mixing="blend"), '"mixing" must be'),
    (lambda d: d["edges"][1].update(n=3), "edge A->B: weight 1 and sample count 3 disagree"),
])
def test_validation_messages_name_the_culprit(mutate, message):
    data = base()
    mutate(data)
    with pytest.raises(GraphCollapseError) as err:
        from_dict(data)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_malformed_json_reports_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"models": [\n  {"id": "A",, "n": 1}]}')
    with pytest.raises(GraphCollapseError, match=r"line 2, column 14"):
        load(path)
    with pytest.raises(GraphCollapseError, match="duplicate key 'n'"):
        from_json('{"models": [{"id": "A", "n": 1, "n": 2}]}')


def test_symbolic_weights_sum_identically():
    g = from_dict({"symbols": ["a", "b"], "models": [{"id": "A", "n": 1, "real": "a*b"}],
                   "edges": [{"from": "A", "to": "A", "weight": "1 - a*b"}]})
    assert g.free_symbols == {sympy.Symbol("a", real=True), sympy.Symbol("b", real=True)}
    with pytest.raises(GraphCollapseError, match="weights sum to"):
        from_dict({"symbols": ["a"], "models": [{"id": "A", "n": 1, "real": "a"}],
                   "edges": [{"from": "A", "to": "A", "weight": "1 - 2*a"}]})


def test_json_round_trip_is_lossless(tmp_path):
    data = base()
    data["symbols"] = ["a"]
    data["models"][1]["sigma2"] = "2*a"
    g = from_dict(data)
    again = from_json(g.to_json())
    assert again == g
    path = tmp_path / "g.json"
    g.save(path)
    assert load(path) == g
    assert not list(tmp_path.glob("*.tmp"))


def test_networkx_round_trip_is_lossless():
    g = from_dict(base())
    d = g.to_networkx()
    assert d.edges["A", "B"]["weight"] == 1
    assert d.nodes["A"]["real"] == sympy.Rational(1, 2)
    assert from_networkx(d) == g
    plain = nx.DiGraph()
    plain.add_node(1, real=1, n=5)
    plain.add_node(2, n=5)
    plain.add_edge(1, 2, weight=1.0)
    assert from_networkx(plain).ids == ("1", "2")


def test_from_matrix_dense_sparse_and_real_default():
    g = from_matrix([[0, "1/2"], ["1/3", "2/3"]], ids=["x", "y"])
    assert g.real == (sympy.Rational(1, 2), 0)
    assert g.weight_matrix() == sympy.Matrix([[0, sympy.Rational(1, 2)], [sympy.Rational(1, 3), sympy.Rational(2, 3)]])
    big = from_matrix(sp.random_array((50, 50), density=0.1, random_state=1, format="csr") * 0.01)
    assert not big.is_exact
    assert np.all(big.real_float() > 0.0)
    with pytest.raises(GraphCollapseError, match="weights sum to"):
        from_matrix(np.array([[0.7, 0.6], [0.0, 1.0]]))
    with pytest.raises(GraphCollapseError, match="square"):
        from_matrix([[1, 0]])


def test_graph_is_immutable():
    g = from_dict(base())
    with pytest.raises(AttributeError):
        g.mixing = "weighted"
    with pytest.raises(ValueError):
        g.sources[0] = 1


def test_subs_and_estimator_override():
    g = from_dict({"symbols": ["a"], "estimator": {"family": "gaussian_mean", "sigma2": "a + 1"},
                   "models": [{"id": "A", "n": 1, "real": "a"}], "edges": [{"from": "A", "to": "A", "weight": "1 - a"}]})
    h = g.subs({"a": "1/4"})
    assert h.real == (sympy.Rational(1, 4),) and h.symbols == ()
    assert h.estimator["sigma2"] == "5/4"
    assert g.with_estimator({"family": "generic"}).estimator == {"family": "generic"}


def test_pooled_graph_with_fractional_derived_counts_round_trips(tmp_path):
    # from_matrix defaults to n = 1, so the derived pooled counts n_kj = w_kj are fractions;
    # the file holds n and the weights only, and loads back equal.
    from graphcollapse.graph import from_matrix, load

    g = from_matrix([["1/2", "1/2"], [1, 0]])
    path = tmp_path / "g.json"
    g.save(path)
    assert load(path) == g
    assert "\"n\": 1" in path.read_text() and "1/2\", \"n\"" not in path.read_text()
