#include "actors/config/state_machine.hpp"

#include "protocol/records_codec.hpp"

namespace gd::config {

namespace {

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

apply_outcome apply_entry(store::kv_store::write_batch& batch,
                          const raft::entry& e) {
  apply_outcome out;
  switch (e.type) {
    case raft::entry_type::command:
      try {
        out = run(batch, proto::decode_write_request(e.data));
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
