#include "actors/config/state_machine.hpp"

#include "actors/config/cluster_store.hpp"
#include "protocol/cluster_codec.hpp"
#include "protocol/records_codec.hpp"

namespace gd::config {

namespace {

/// True if [key, range_end) (etcd semantics) holds a key under the model
/// prefix.
bool overlaps_model(const kv::key_range& r) {
  const std::string lo = cluster::model_prefix;
  const std::string hi = kv::prefix_end(lo);
  if (r.range_end.empty())
    return r.key.compare(0, lo.size(), lo) == 0;
  // [key, end) meets [lo, hi) unless it ends before lo or starts at hi.
  bool to_the_end = r.range_end == std::string(1, '\0');
  bool ends_before = !to_the_end && r.range_end <= lo;
  return !(ends_before || r.key >= hi);
}

bool op_writes_model(const kv::request_op& op) {
  if (auto p = std::get_if<kv::put_request>(&op))
    return overlaps_model({p->key, {}});
  if (auto d = std::get_if<kv::delete_request>(&op))
    return overlaps_model(d->range);
  return false;
}

apply_outcome run(store::kv_store::write_batch& batch,
                  const kv::write_request& req) {
  apply_outcome out;
  if (auto c = std::get_if<kv::compact_request>(&req)) {
    if (c->rev <= batch.compact_revision()) {
      out.st = gd::status::error(
        status_code::compacted,
        "revision " + std::to_string(c->rev) + " is already compacted "
          + "(history is compacted through revision "
          + std::to_string(batch.compact_revision()) + ")");
      return out;
    }
    if (c->rev > batch.revision()) {
      out.st = gd::status::error(
        status_code::invalid,
        "revision " + std::to_string(c->rev)
          + " is in the future (the current revision is "
          + std::to_string(batch.revision()) + ")");
      return out;
    }
  }
  out.result = batch.apply(req);
  return out;
}

} // namespace

bool writes_model_keys(const kv::write_request& r) {
  if (auto p = std::get_if<kv::put_request>(&r))
    return overlaps_model({p->key, {}});
  if (auto d = std::get_if<kv::delete_request>(&r))
    return overlaps_model(d->range);
  if (auto t = std::get_if<kv::txn_request>(&r)) {
    for (const auto& op : t->success)
      if (op_writes_model(op))
        return true;
    for (const auto& op : t->failure)
      if (op_writes_model(op))
        return true;
  }
  return false;
}

namespace {

apply_outcome run_command(store::kv_store::write_batch& batch,
                          const std::string& data) {
  auto cmd = proto::decode_command(data);
  if (auto c = std::get_if<cluster::command>(&cmd)) {
    apply_outcome out;
    out.cluster = apply_cluster_command(batch, *c);
    out.st = out.cluster.st;
    return out;
  }
  auto& req = std::get<kv::write_request>(cmd);
  if (writes_model_keys(req)) {
    apply_outcome out;
    out.st = gd::status::error(
      status_code::invalid,
      std::string("keys under ") + cluster::model_prefix
        + " hold the cluster model: change them with the peer and volume "
          "commands, not the KV API");
    return out;
  }
  return run(batch, req);
}

} // namespace

apply_outcome apply_entry(store::kv_store::write_batch& batch,
                          const raft::entry& e) {
  apply_outcome out;
  switch (e.type) {
    case raft::entry_type::command:
      try {
        out = run_command(batch, e.data);
      } catch (const proto::decode_error& err) {
        out.st = gd::status::error(status_code::invalid, err.what());
      }
      break;
    case raft::entry_type::config:
      try {
        batch.set_config(proto::decode_configuration(e.data));
      } catch (const proto::decode_error& err) {
        out.st = gd::status::error(status_code::invalid, err.what());
      }
      break;
    case raft::entry_type::noop:
      break;
  }
  batch.set_applied(e.index, e.term);
  return out;
}

} // namespace gd::config
