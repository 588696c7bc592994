"""kubectl's JSONPath and custom columns: the cases of client-go ``util/jsonpath/jsonpath_test.go`` and kubectl
``pkg/cmd/get/customcolumn_test.go`` (kubernetes/kubernetes 04791b49), then ``kubectl get -o jsonpath=`` and
``-o custom-columns=`` on a cluster.

The upstream struct inputs (``TestStructInput``) are given here as the maps kubectl's unstructured objects are:
Go prints a struct's fields in declaration order and a map's keys sorted, and kubectl only ever has maps.
"""

from __future__ import annotations

import pytest

from k8snet.errors import KubectlError
from k8snet.kubectl.jsonpath import (
    JSONPathError,
    custom_columns_print,
    execute,
    relaxed_jsonpath_expression,
)
from k8snet.sim.cluster import Cluster

TYPES = {
    "bools": [True, False, True, False],
    "integers": [1, 2, 3, 4],
    "floats": [1.0, 2.2, 3.3, 4.0],
    "strings": ["one", "two", "three", "four"],
    "interfaces": [True, "one", 1, 1.1],
    "maps": [
        {"name": "one", "value": 1},
        {"name": "two", "value": 2.02},
        {"name": "three", "value": 3.03},
        {"name": "four", "value": 4.04},
    ],
}


@pytest.mark.parametrize(
    "template, expect",
    [
        ("{ .bools }", "[true,false,true,false]"),
        ("{ .bools[0] }", "true"),
        ("{ .bools[-1] }", "false"),
        ("{ .bools[0:2] }", "true false"),
        ("{ .bools[:2] }", "true false"),
        ("{ .bools[:4:2] }", "true true"),
        ("{ .integers }", "[1,2,3,4]"),
        ("{ .integers[0] }", "1"),
        ("{ .integers[-2] }", "3"),
        ("{ .integers[0:2] }", "1 2"),
        ("{ .integers[:4:2] }", "1 3"),
        ("{ .floats }", "[1,2.2,3.3,4]"),
        ("{ .floats[0] }", "1"),
        ("{ .floats[-2] }", "3.3"),
        ("{ .floats[:4:2] }", "1 3.3"),
        ("{ .strings }", '["one","two","three","four"]'),
        ("{ .strings[-2] }", "three"),
        ("{ .strings[:4:2] }", "one three"),
        ("{ .interfaces }", '[true,"one",1,1.1]'),
        ("{ .interfaces[-2] }", "1"),
        ("{ .interfaces[0:2] }", "true one"),
        ("{ .interfaces[:4:2] }", "true 1"),
        (
            "{ .maps }",
            '[{"name":"one","value":1},{"name":"two","value":2.02},{"name":"three","value":3.03},'
            '{"name":"four","value":4.04}]',
        ),
        ("{ .maps[0] }", '{"name":"one","value":1}'),
        ("{ .maps[-2] }", '{"name":"three","value":3.03}'),
        ("{ .maps[::2] }", '{"name":"one","value":1} {"name":"three","value":3.03}'),
        ("{ .maps[1::2] }", '{"name":"two","value":2.02} {"name":"four","value":4.04}'),
    ],
)
def test_types_input(template, expect):
    assert execute(template, TYPES) == expect


STORE = {
    "Name": "jsonpath",
    "Book": [
        {"Category": "reference", "Author": "Nigel Rees", "Title": "Sayings of the Centurey", "Price": 8.95},
        {"Category": "fiction", "Author": "Evelyn Waugh", "Title": "Sword of Honour", "Price": 12.99},
        {"Category": "fiction", "Author": "Herman Melville", "Title": "Moby Dick", "Price": 8.99},
    ],
    "Bicycle": [
        {"Color": "red", "Price": 19.95, "IsNew": True},
        {"Color": "green", "Price": 20.01, "IsNew": False},
    ],
    "Labels": {"engieer": 10, "web/html": 15, "k8s-app": 20},
    "Employees": {"jason": "manager", "dan": "clerk"},
}


@pytest.mark.parametrize(
    "template, data, expect",
    [
        ("hello jsonpath", None, "hello jsonpath"),
        ("{..}", [1, 2, 3], "[1,2,3]"),
        ("{[?(@<5)]}", [2, 6, 3, 7], "2 3"),
        ('{"{"}', None, "{"),
        ("{[1,3,4]}", [0, 1, 2, 3, 4], "1 3 4"),
        ("{[0:2]}", ["Monday", "Tudesday"], "Monday Tudesday"),
        ("hello {.Name}", STORE, "hello jsonpath"),
        ("{$.Labels.web/html}", STORE, "15"),
        ("{$.Employees.jason}", STORE, "manager"),
        ("{$.Employees.dan}", STORE, "clerk"),
        ("{.Labels.k8s-app}", STORE, "20"),
        ("{.Bicycle[*].Color}", STORE, "red green"),
        ("{.Book[*].Author}", STORE, "Nigel Rees Evelyn Waugh Herman Melville"),
        ("{..Price}", STORE, "8.95 12.99 8.99 19.95 20.01"),
        ("{...Price}", STORE, "8.95 12.99 8.99 19.95 20.01"),
        # keys sorted: a map, not Go's struct
        (
            "{.Bicycle}",
            STORE,
            '[{"Color":"red","IsNew":true,"Price":19.95},{"Color":"green","IsNew":false,"Price":20.01}]',
        ),
        (
            '{range .Bicycle[*]}{ @ }{ " " }{end}',
            STORE,
            '{"Color":"red","IsNew":true,"Price":19.95} {"Color":"green","IsNew":false,"Price":20.01} ',
        ),
        (
            "{.Book[-1:]}",
            STORE,
            '{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}',
        ),
        (
            "{..Book[2]}",
            STORE,
            '{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}',
        ),
        ("{.Bicycle[?(@.IsNew==true)]}", STORE, '{"Color":"red","IsNew":true,"Price":19.95}'),
    ],
)
def test_struct_input(template, data, expect):
    assert execute(template, data) == expect


def test_too_deep_recursion_is_an_error():
    with pytest.raises(JSONPathError):
        execute("{............................................................Price}", STORE)


@pytest.mark.parametrize("template, expect", [("{.hello}", ""), ("before-{.hello}after", "before-after")])
def test_missing_keys_allowed(template, expect):
    assert execute(template, STORE, allow_missing_keys=True) == expect


@pytest.mark.parametrize(
    "template, error",
    [
        ("{hello}", "unrecognized identifier hello"),
        ("{.hello}", "hello is not found"),
        ("{.Labels[0]}", "map[string]interface {} is not array or slice"),
        ("{.Book[?(@.Price<>10)]}", "unrecognized filter operator <>"),
        ("{range .Labels.*}{@}{end}{end}", "not in range, nothing to end"),
    ],
)
def test_failures(template, error):
    with pytest.raises(JSONPathError) as err:
        execute(template, STORE)
    assert str(err.value) == error


POINTS = [
    {"id": "i1", "x": 4, "y": -5},
    {"id": "i2", "x": -2, "y": -5, "z": 1},
    {"id": "i3", "x": 8, "y": 3},
    {"id": "i4", "x": -6, "y": -1},
    {"id": "i5", "x": 0, "y": 2, "z": 1},
    {"id": "i6", "x": 1, "y": 4},
]


def test_json_input():
    assert execute("{[?(@.z)].id}", POINTS) == "i2 i5"
    assert execute("{[0]['id']}", POINTS) == "i1"


NODES = {
    "kind": "List",
    "items": [
        {
            "kind": "None",
            "metadata": {"name": "127.0.0.1", "labels": {"kubernetes.io/hostname": "127.0.0.1"}},
            "status": {
                "capacity": {"cpu": "4"},
                "ready": True,
                "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}],
            },
        },
        {
            "kind": "None",
            "metadata": {"name": "127.0.0.2", "labels": {"kubernetes.io/hostname": "127.0.0.2"}},
            "status": {
                "capacity": {"cpu": "8"},
                "ready": False,
                "addresses": [
                    {"type": "LegacyHostIP", "address": "127.0.0.2"},
                    {"type": "another", "address": "127.0.0.3"},
                ],
            },
        },
    ],
    "users": [
        {"name": "myself", "user": {}},
        {"name": "e2e", "user": {"username": "admin", "password": "secret"}},
    ],
}


@pytest.mark.parametrize(
    "template, expect",
    [
        ("{range .items[*]}{.metadata.name}, {end}{.kind}", "127.0.0.1, 127.0.0.2, List"),
        ('{range .items[*]}{.metadata.name}{"\\t"}{end}', "127.0.0.1\t127.0.0.2\t"),
        ("{.items[*].status.addresses[*].address}", "127.0.0.1 127.0.0.2 127.0.0.3"),
        (
            "{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}",
            "127.0.0.1, 127.0.0.2, 127.0.0.3, ",
        ),
        ("{.items[*].metadata.name}", "127.0.0.1 127.0.0.2"),
        (
            "{.items[*]['metadata.name', 'status.capacity']}",
            '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}',
        ),
        (
            "{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}",
            '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] ',
        ),
        ('{.users[?(@.name=="e2e")].user.password}', "secret"),
        ("{.items[0].metadata.labels.kubernetes\\.io/hostname}", "127.0.0.1"),
        ('{.items[?(@.metadata.labels.kubernetes\\.io/hostname=="127.0.0.1")].kind}', "None"),
        ("{.items[?(@..ready==true)].metadata.name}", "127.0.0.1"),
    ],
)
def test_kubernetes(template, expect):
    assert execute(template, NODES) == expect


def test_recursive_name_in_any_order():
    assert sorted(execute("{..name}", NODES).split()) == sorted("127.0.0.1 127.0.0.2 myself e2e".split())


def test_empty_range():
    empty = {"items": []}
    assert execute("{range .items[*]}{.metadata.name}{end}", empty, True) == ""
    template = '{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}'
    assert execute(template, empty, True) == ""


PODS = {
    "items": [
        {
            "metadata": {"name": "pod1"},
            "spec": {
                "containers": [
                    {"name": "foo", "another": [{"name": "value1"}, {"name": "value2"}]},
                    {"name": "bar", "another": [{"name": "value1"}, {"name": "value2"}]},
                ]
            },
        },
        {
            "metadata": {"name": "pod2"},
            "spec": {"containers": [{"name": "baz", "another": [{"name": "value1"}, {"name": "value2"}]}]},
        },
    ]
}


@pytest.mark.parametrize(
    "template, expect",
    [
        (
            '{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}',
            "pod1:foo,bar,+pod2:baz,+",
        ),
        (
            '{range .items[*]}{.metadata.name}{"~"}{range @.spec.containers[*]}{.name}{":"}'
            '{range @.another[*]}{.name}{","}{end}{"+"}{end}{"#"}{end}',
            "pod1~foo:value1,value2,+bar:value1,value2,+#pod2~baz:value1,value2,+#",
        ),
        (
            '{range .items[*]}{.metadata.name}{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\\t"}'
            '{range @.spec.containers[*]}{.name}{" "}{end}{"\\n"}{end}',
            "pod1\tfoo bar \tfoo bar \npod2\tbaz \tbaz \n",
        ),
    ],
)
def test_nested_ranges(template, expect):
    assert execute(template, PODS) == expect


def test_filter_partial_matches_sometimes_missing_annotations():
    # issues.k8s.io/45546
    data = {
        "kind": "List",
        "items": [
            {"kind": "Pod", "metadata": {"name": "pod1", "annotations": {"color": "blue"}}},
            {"kind": "Pod", "metadata": {"name": "pod2"}},
            {"kind": "Pod", "metadata": {"name": "pod3", "annotations": {"color": "green"}}},
            {"kind": "Pod", "metadata": {"name": "pod4", "annotations": {"color": "blue"}}},
        ],
    }
    template = '{.items[?(@.metadata.annotations.color=="blue")].metadata.name}'
    assert execute(template, data, allow_missing_keys=True) == "pod1 pod4"
    with pytest.raises(JSONPathError):
        execute(template, data, allow_missing_keys=False)


CONTAINERS = {"spec": {"containers": [{"name": f"fake{i}"} for i in range(4)]}}


@pytest.mark.parametrize(
    "index, expect",
    [
        ("0", "fake0"),
        ("0:0", ""),
        ("0:-1", "fake0 fake1 fake2"),
        ("-1:0", None),
        ("-1", "fake3"),
        ("-1:", "fake3"),
        ("-2", "fake2"),
        ("-2:", "fake2 fake3"),
        ("-3", "fake1"),
        ("-4", "fake0"),
        ("-4:", "fake0 fake1 fake2 fake3"),
        ("-5", None),
        ("5:5", ""),
        ("-5:-5", ""),
        ("3:1", None),
        ("-1:-2", None),
    ],
)
def test_negative_index(index, expect):
    template = f"{{.spec.containers[{index}].name}}"
    if expect is None:
        with pytest.raises(JSONPathError):
            execute(template, CONTAINERS)
    else:
        assert execute(template, CONTAINERS) == expect


def test_running_pods():
    data = {
        "kind": "List",
        "items": [
            {"kind": "Pod", "metadata": {"name": "pod1"}, "status": {"phase": "Running"}},
            {"kind": "Pod", "metadata": {"name": "pod2"}, "status": {"phase": "Running"}},
            {"kind": "Pod", "metadata": {"name": "pod3"}, "status": {"phase": "Running"}},
            {"resourceVersion": "", "selfLink": ""},
        ],
    }
    template = '{range .items[?(.status.phase=="Running")]}{.metadata.name}{" is Running\\n"}{end}'
    assert execute(template, data, True) == "pod1 is Running\npod2 is Running\npod3 is Running\n"


SIX = {"spec": {"containers": [{"name": f"fake{i}"} for i in range(6)]}}


@pytest.mark.parametrize(
    "index, expect",
    [
        ("0:", "fake0 fake1 fake2 fake3 fake4 fake5"),
        ("0:6:", "fake0 fake1 fake2 fake3 fake4 fake5"),
        ("0:6:1", "fake0 fake1 fake2 fake3 fake4 fake5"),
        ("0:6:0", None),
        ("0:6:-1", None),
        ("1:4:2", "fake1 fake3"),
        ("1:4:3", "fake1"),
        ("1:4:4", "fake1"),
        ("0:6:2", "fake0 fake2 fake4"),
        ("0:6:3", "fake0 fake3"),
        ("0:6:5", "fake0 fake5"),
        ("0:6:6", "fake0"),
    ],
)
def test_step(index, expect):
    template = f"{{.spec.containers[{index}].name}}"
    if expect is None:
        with pytest.raises(JSONPathError):
            execute(template, SIX)
    else:
        assert execute(template, SIX) == expect


# --- customcolumn_test.go ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression, expect",
    [
        ("foo.bar", "{.foo.bar}"),
        ("{foo.bar}", "{.foo.bar}"),
        (".foo.bar", "{.foo.bar}"),
        ("{.foo.bar}", "{.foo.bar}"),
        ("", ""),
        ("{foo.bar", None),
        ("foo.bar}", None),
        ("{foo.bar}}", None),
        ("{{foo.bar}", None),
    ],
)
def test_massage_json_path(expression, expect):
    if expect is None:
        with pytest.raises(KubectlError):
            relaxed_jsonpath_expression(expression)
    else:
        assert relaxed_jsonpath_expression(expression) == expect


@pytest.mark.parametrize("spec", ["", "invalid", "invalid=foobar", "invalid,foobar:blah"])
def test_bad_column_specs(spec):
    with pytest.raises(KubectlError):
        custom_columns_print(spec, {})


def test_column_print():
    pod = {"kind": "Pod", "apiVersion": "baz", "metadata": {"name": "foo"}}
    assert custom_columns_print("NAME:{.metadata.name}", pod) == "NAME\nfoo\n"
    pods = {"kind": "List", "items": [{"metadata": {"name": "foo"}}, {"metadata": {"name": "bar"}}]}
    assert custom_columns_print("NAME:{.metadata.name}", pods) == "NAME\nfoo\nbar\n"
    assert custom_columns_print("NAME:metadata.name,API_VERSION:apiVersion", pod) == (
        "NAME   API_VERSION\nfoo    baz\n"
    )
    assert custom_columns_print("NAME:.metadata.name,API_VERSION:apiVersion,NOT_FOUND:.notFound", pod) == (
        "NAME   API_VERSION   NOT_FOUND\nfoo    baz           <none>\n"
    )
    assert "API_VERSION" not in custom_columns_print("API_VERSION:apiVersion", pod, no_headers=True)


def test_long_header_sets_the_width():
    pods = {
        "kind": "List",
        "items": [
            {"metadata": {"name": "foo", "labels": {"label1": "foo", "label2": "foo"}}},
            {"metadata": {"name": "bar", "labels": {"label1": "bar", "label2": "bar"}}},
        ],
    }
    spec = (
        "NAME:{.metadata.name},LONG COLUMN NAME:{.metadata.labels.label1},LABEL 2:{.metadata.labels.label2}"
    )
    assert custom_columns_print(spec, pods) == (
        "NAME   LONG COLUMN NAME   LABEL 2\nfoo    foo                foo\nbar    bar                bar\n"
    )


POD = {"metadata": {"name": "fake-name", "namespace": "fake-namespace"}, **CONTAINERS}


@pytest.mark.parametrize(
    "index, expect",
    [
        ("0", "fake0"),
        ("3", "fake3"),
        ("5", None),
        ("-1", "fake3"),
        ("-2", "fake2"),
        ("-4", "fake0"),
        ("-5", None),
        ("0:0", "<none>"),
        ("0:3", "fake0,fake1,fake2"),
        ("1:", "fake1,fake2,fake3"),
        ("3:1", None),
        ("0:-1", "fake0,fake1,fake2"),
        ("-1:", "fake3"),
        ("-4:", "fake0,fake1,fake2,fake3"),
        ("-3:-1", "fake1,fake2"),
        ("-2:-3", None),
        ("4:4", "<none>"),
        ("-5:-5", "<none>"),
    ],
)
def test_slice_column_print(index, expect):
    spec = f"CONTAINER:.spec.containers[{index}].name"
    if expect is None:
        with pytest.raises(KubectlError):
            custom_columns_print(spec, POD)
    else:
        assert custom_columns_print(spec, POD) == f"CONTAINER\n{expect}\n"


# --- kubectl get -o jsonpath / custom-columns ----------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    c = Cluster(preset="minikube")
    c.kubectl("create deployment web --image=nginx --replicas=2")
    c.kubectl("expose deployment web --port=80")
    return c


def test_get_jsonpath_on_a_list_and_on_one_object(cluster):
    names = cluster.kubectl("get pods -o jsonpath={.items[*].metadata.name}").stdout
    assert len(names.split()) == 2 and all(n.startswith("web-") for n in names.split())
    assert not names.endswith("\n")  # the JSONPath printer adds nothing
    assert cluster.kubectl("get deploy web -o jsonpath={.spec.replicas}").stdout == "2"
    ip = cluster.get("service", "web").spec.clusterIP
    assert (
        cluster.kubectl("get svc web -o jsonpath='{.spec.clusterIP}:{.spec.ports[0].port}'").stdout
        == f"{ip}:80"
    )
    out = cluster.kubectl(
        """get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\n"}{end}'"""
    )
    assert out.stdout.count("\n") == 2 and "\t10.244." in out.stdout


def test_get_custom_columns(cluster):
    out = cluster.kubectl(
        "get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName,MISSING:.x"
    ).stdout
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "NODE", "MISSING"]
    assert len(lines) == 3 and all(line.split()[1:] == ["minikube", "<none>"] for line in lines[1:])
    no_headers = cluster.kubectl(
        "get svc web -o custom-columns=PORTS:.spec.ports[*].port --no-headers"
    ).stdout
    assert no_headers == "80\n"


@pytest.mark.parametrize(
    "output, error",
    [
        ("jsonpath=", "error: template format specified but no template given"),
        ("jsonpath", "error: template format specified but no template given"),
        ("custom-columns=", "error: custom-columns format specified but no custom columns given"),
        (
            "custom-columns=NAME",
            "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>",
        ),
        ("jsonpath={.items[", "error: error parsing jsonpath {.items[, unterminated array"),
    ],
)
def test_get_output_errors(cluster, output, error):
    with pytest.raises(KubectlError) as err:
        cluster.kubectl(f"get pods -o {output}")
    assert str(err.value) == error
