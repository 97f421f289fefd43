#!/usr/bin/env python3
"""Check that infra/table.json (DynamoDB CreateTable input used by the tests)
and the Table resource in infra/template.yaml describe the same table.

Usage: python infra/check-table-sync.py [template.yaml] [table.json]
Exit status 0 when they match; 1 with a list of differences otherwise.
table.json holds only CreateTable parameters (so tests can pass it straight to
create_table); the TTL attribute and point-in-time recovery are checked
against the constants below because CreateTable cannot express them.
"""
import json
import sys
from pathlib import Path

import yaml

TTL_ATTRIBUTE = "expires_at"
TABLE_LOGICAL_ID = "Table"
HERE = Path(__file__).resolve().parent


class CfnLoader(yaml.SafeLoader):
    """SafeLoader that accepts CloudFormation short-form tags (!Ref, !Sub, ...)."""


def _tag(loader, tag_suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {"!" + tag_suffix: value}


CfnLoader.add_multi_constructor("!", _tag)


def key_schema(ks):
    return [(k["AttributeName"], k["KeyType"]) for k in ks]


def attr_defs(defs):
    return sorted((d["AttributeName"], d["AttributeType"]) for d in defs)


def gsis(indexes):
    return {
        g["IndexName"]: {
            "KeySchema": key_schema(g["KeySchema"]),
            "Projection": g["Projection"],
        }
        for g in indexes or []
    }


def main(argv):
    template_path = Path(argv[1]) if len(argv) > 1 else HERE / "template.yaml"
    table_path = Path(argv[2]) if len(argv) > 2 else HERE / "table.json"
    template = yaml.load(template_path.read_text(), Loader=CfnLoader)
    spec = json.loads(table_path.read_text())
    res = template["Resources"][TABLE_LOGICAL_ID]
    props = res["Properties"]
    errors = []

    def same(what, a, b):
        if a != b:
            errors.append(f"{what} differs:\n  table.json:    {a}\n  template.yaml: {b}")

    same("AttributeDefinitions", attr_defs(spec["AttributeDefinitions"]), attr_defs(props["AttributeDefinitions"]))
    same("KeySchema", key_schema(spec["KeySchema"]), key_schema(props["KeySchema"]))
    same("GlobalSecondaryIndexes", gsis(spec.get("GlobalSecondaryIndexes")), gsis(props.get("GlobalSecondaryIndexes")))
    same("LocalSecondaryIndexes", gsis(spec.get("LocalSecondaryIndexes")), gsis(props.get("LocalSecondaryIndexes")))
    same("BillingMode", spec.get("BillingMode"), props.get("BillingMode"))

    # Every attribute definition must be used by a key (DynamoDB rejects extras).
    used = {a for a, _ in key_schema(spec["KeySchema"])}
    for g in spec.get("GlobalSecondaryIndexes") or []:
        used |= {a for a, _ in key_schema(g["KeySchema"])}
    defined = {a for a, _ in attr_defs(spec["AttributeDefinitions"])}
    same("attributes defined vs used in keys", sorted(defined), sorted(used))

    ttl = props.get("TimeToLiveSpecification") or {}
    if ttl.get("AttributeName") != TTL_ATTRIBUTE or ttl.get("Enabled") is not True:
        errors.append(f"template TimeToLiveSpecification must enable '{TTL_ATTRIBUTE}', got {ttl}")
    pitr = props.get("PointInTimeRecoverySpecification") or {}
    if pitr.get("PointInTimeRecoveryEnabled") is not True:
        errors.append("template must enable point-in-time recovery")
    for policy in ("DeletionPolicy", "UpdateReplacePolicy"):
        if res.get(policy) != "Retain":
            errors.append(f"template Table {policy} must be Retain")

    if errors:
        print("table sync: FAIL")
        for e in errors:
            print("  - " + e)
        return 1
    print(f"table sync: OK ({table_path.name} matches {template_path.name} resource {TABLE_LOGICAL_ID})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
