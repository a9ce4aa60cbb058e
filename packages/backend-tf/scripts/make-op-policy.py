"""Derives the TF backend's safe-op policy (src/op-list.ts) from TensorFlow's op registry.

Run it with the Python TensorFlow the backend runs against (the repository's .cache/tf-venv):

    .cache/tf-venv/bin/python packages/backend-tf/scripts/make-op-policy.py

Every op libtensorflow registers (TF_GetAllOpList) is classified by the module TensorFlow's own
Python API generates its wrapper in (tf.raw_ops.<Op>.__module__, e.g. gen_math_ops), which
groups ops by what they do, then by the per-op rules below. Modules of pure computation are
allowed, minus the ops in them that reach files; modules of file, process, dataset, summary,
debug, device-communication and Python ops are refused whole; ops without a Python module
(internal, test and accelerator-only ops) are refused unless listed. The output is reviewed as a
diff when TensorFlow is upgraded.
"""

import os
import subprocess
import sys

from tensorflow.core.framework import op_def_pb2
from tensorflow.python.client import pywrap_tf_session as c_api
import tensorflow as tf

REASONS = {
    "files": "it reads or writes files",
    "vocab_file": "its vocab_file attribute names a file to read",
    "abort": "it ends the server process",
    "maps_file": "it maps a file into memory",
    "proto_files": "its descriptor_source can name a file to read",
    "datasets": "dataset ops read files and run functions on threads of their own",
    "summaries": "it writes summary event files",
    "print": "it writes to the server's output or to a file",
    "debug": "it dumps tensors to files or debug servers",
    "checkpoints": "it reads checkpoint files",
    "filesystem": "it configures the server's file systems",
    "python": "it calls Python",
    "communication": "it communicates with other devices, tasks or processes",
    "accelerator": "it runs on TPUs or through XLA, not on this server's devices",
    "remote": "it runs functions on other devices or tasks",
    "internal": "it is an internal, test or accelerator-only op, not one a model graph uses",
}

# Modules whose ops only compute (or keep in-memory state such as variables, tables, queues).
ALLOWED_MODULES = {
    "gen_array_ops", "gen_audio_ops", "gen_batch_ops", "gen_bitwise_ops", "gen_boosted_trees_ops",
    "gen_candidate_sampling_ops", "gen_clustering_ops", "gen_composite_tensor_ops", "gen_control_flow_ops",
    "gen_count_ops", "gen_ctc_ops", "gen_cudnn_rnn_ops", "gen_data_flow_ops", "gen_functional_ops",
    "gen_image_ops", "gen_linalg_ops", "gen_list_ops", "gen_logging_ops", "gen_lookup_ops", "gen_manip_ops",
    "gen_map_ops", "gen_math_ops", "gen_nn_ops", "gen_optional_ops", "gen_parsing_ops", "gen_ragged_array_ops",
    "gen_ragged_conversion_ops", "gen_ragged_math_ops", "gen_random_index_shuffle_ops", "gen_random_ops",
    "gen_resource_variable_ops", "gen_rnn_ops", "gen_sdca_ops", "gen_set_ops", "gen_sparse_csr_matrix_ops",
    "gen_sparse_ops", "gen_special_math_ops", "gen_spectral_ops", "gen_state_ops", "gen_stateful_random_ops",
    "gen_stateless_random_ops", "gen_stateless_random_ops_v2", "gen_string_ops", "gen_sync_ops",
    "gen_training_ops", "gen_uniform_quant_ops",
}

REFUSED_MODULES = {
    "gen_io_ops": "files",
    "gen_dataset_ops": "datasets",
    "gen_experimental_dataset_ops": "datasets",
    "gen_summary_ops": "summaries",
    "gen_debug_ops": "debug",
    "gen_checkpoint_ops": "checkpoints",
    "gen_filesystem_ops": "filesystem",
    "gen_script_ops": "python",
    "gen_collective_ops": "communication",
    "gen_nccl_ops": "communication",
    "gen_sendrecv_ops": "communication",
    "gen_tpu_ops": "accelerator",
    "gen_tpu_partition_ops": "accelerator",
    "gen_xla_ops": "accelerator",
    "gen_encode_proto_ops": "proto_files",
    "gen_decode_proto_ops": "proto_files",
    "gen_user_ops": "internal",
}

# Ops of allowed modules that reach files, print or end the process (found by name and by
# their string attributes: vocab_file).
REFUSED_OPS = {
    "Abort": "abort",
    "FixedUnigramCandidateSampler": "vocab_file",
    "ImmutableConst": "maps_file",
    "RecordInput": "files",
    "InitializeTableFromTextFile": "files",
    "InitializeTableFromTextFileV2": "files",
    "Print": "print",
    "PrintV2": "print",
    "RemoteCall": "remote",
}

# Ops without a Python module that graphs may still hold: the fused kernels TensorFlow's graph
# optimizer writes into a graph (a graph saved after optimization keeps them).
ALLOWED_INTERNAL = {
    "_FusedBatchNormEx", "_FusedConv2D", "_FusedConv3D", "_FusedDepthwiseConv2dNative", "_FusedMatMul",
    "_UnaryOpsComposition",
}


def module_of(name):
    fn = getattr(tf.raw_ops, name, None)
    return (getattr(fn, "__module__", None) or "").rsplit(".", 1)[-1]


def classify(name):
    """None when allowed, else a key of REASONS."""
    if name in REFUSED_OPS:
        return REFUSED_OPS[name]
    if name in ALLOWED_INTERNAL:
        return None
    module = module_of(name)
    if module in ALLOWED_MODULES:
        return None
    return REFUSED_MODULES.get(module, "internal")


def main():
    ops = op_def_pb2.OpList()
    ops.ParseFromString(c_api.TF_GetBuffer(c_api.TF_GetAllOpList()))
    names = sorted(op.name for op in ops.op)
    allowed = [n for n in names if classify(n) is None]
    refused = [(n, classify(n)) for n in names if classify(n) is not None]
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "op-list.ts")
    q = lambda s: "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"
    lines = [
        f"// Generated by scripts/make-op-policy.py from the op registry of TensorFlow {tf.__version__}: do not edit;",
        "// change the rules in the script and run it again, so that the review is the diff.",
        "",
        "export const REASONS = {",
        *[f"  {k}: {q(v)}," for k, v in REASONS.items()],
        "} as const;",
        "",
        "export type Reason = keyof typeof REASONS;",
        "",
        f"/** The {len(allowed)} ops a graph may use. */",
        "export const ALLOWED_OPS: ReadonlySet<string> = new Set([",
        *[f"  {q(n)}," for n in allowed],
        "]);",
        "",
        f"/** The {len(refused)} other registered ops, with why each is refused. */",
        "export const REFUSED_OPS: ReadonlyMap<string, Reason> = new Map<string, Reason>([",
        *[f"  [{q(n)}, {q(r)}]," for n, r in refused],
        "]);",
        "",
    ]
    with open(out, "w") as f:
        f.write("\n".join(lines))
    print(f"{out}: {len(allowed)} allowed, {len(refused)} refused", file=sys.stderr)
    subprocess.run(["npx", "prettier", "--write", out], check=False, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
