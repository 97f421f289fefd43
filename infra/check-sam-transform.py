#!/usr/bin/env python3
"""Run the AWS SAM transform on infra/template.yaml offline.

cfn-lint >= 1.x validates SAM resources against schemas but no longer runs the
SAM transform, and `sam validate` without --lint needs AWS credentials. This
script runs samtranslator locally (local CodeUri replaced by a dummy S3 URI,
no managed-policy lookups) so errors that only surface during the transform
(bad event source properties, policy template parameters, ...) fail the lint.

Usage: python infra/check-sam-transform.py [template.yaml] [--out transformed.json]
"""
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from samtranslator.model.exceptions import InvalidDocumentException  # noqa: E402
from samtranslator.translator.transform import transform  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402


class NoManagedPolicyLookups:
    """Stand-in for ManagedPolicyLoader: the template uses no managed policy names."""

    def load(self):
        return {}


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    out = None
    if "--out" in argv:
        out = argv[argv.index("--out") + 1]
        args = [a for a in args if a != out]
    path = Path(args[0]) if args else Path(__file__).resolve().parent / "template.yaml"
    template = yaml_parse(path.read_text())
    for res in template.get("Resources", {}).values():
        if res.get("Type") in ("AWS::Serverless::Function", "AWS::Serverless::LayerVersion"):
            props = res.setdefault("Properties", {})
            for key in ("CodeUri", "ContentUri"):
                if key in props and not str(props[key]).startswith("s3://"):
                    props[key] = "s3://example-bucket/placeholder.zip"
    try:
        result = transform(template, {}, NoManagedPolicyLookups())
    except InvalidDocumentException as exc:
        print("sam transform: FAIL")
        for cause in exc.causes:
            print("  - " + cause.message)
        return 1
    if out:
        Path(out).write_text(json.dumps(result, indent=1))
    print(f"sam transform: OK ({len(result['Resources'])} CloudFormation resources)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
