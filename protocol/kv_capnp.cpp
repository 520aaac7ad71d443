#include "protocol/kv_capnp.hpp"

namespace gd::proto {

namespace {

using gd::proto::from_capnp;
using gd::proto::to_capnp;

capnp::Data::Reader data_of(const std::string& s) {
  return {reinterpret_cast<const kj::byte*>(s.data()), s.size()};
}

std::string string_of(capnp::Data::Reader d) {
  return {reinterpret_cast<const char*>(d.begin()), d.size()};
}

std::string string_of(capnp::Text::Reader t) {
  return {t.cStr(), t.size()};
}

} // namespace

void to_capnp(const leader_hint& h, schema::LeaderHint::Builder b) {
  b.setId(h.id);
  b.setName(h.name);
  b.setAddress(h.address);
}

leader_hint from_capnp(schema::LeaderHint::Reader r) {
  return {r.getId(), string_of(r.getName()), string_of(r.getAddress())};
}

void to_capnp(const gd::status& s, schema::Failure::Builder b) {
  b.setMessage(s.message);
  to_capnp(s.leader, b.initLeader());
  switch (s.code) {
    case status_code::ok:
    case status_code::failed:
      b.setFailed();
      break;
    case status_code::not_leader:
      b.setNotLeader();
      break;
    case status_code::invalid:
      b.setInvalid();
      break;
    case status_code::no_quorum:
      b.setNoQuorum();
      break;
    case status_code::unknown_outcome:
      b.setUnknownOutcome();
      break;
    case status_code::timeout:
      b.setTimeout();
      break;
    case status_code::compacted:
      b.setCompacted(0);
      break;
    case status_code::busy:
      b.setBusy();
      break;
    case status_code::no_space:
      b.setNoSpace();
      break;
    case status_code::not_found:
      b.setNotFound();
      break;
    case status_code::exists:
      b.setExists();
      break;
  }
}

gd::status from_capnp(schema::Failure::Reader r) {
  gd::status s;
  s.message = string_of(r.getMessage());
  if (r.hasLeader())
    s.leader = from_capnp(r.getLeader());
  switch (r.which()) {
    case schema::Failure::NOT_LEADER:
      s.code = status_code::not_leader;
      break;
    case schema::Failure::INVALID:
      s.code = status_code::invalid;
      break;
    case schema::Failure::NO_QUORUM:
      s.code = status_code::no_quorum;
      break;
    case schema::Failure::UNKNOWN_OUTCOME:
      s.code = status_code::unknown_outcome;
      break;
    case schema::Failure::TIMEOUT:
      s.code = status_code::timeout;
      break;
    case schema::Failure::COMPACTED:
      s.code = status_code::compacted;
      break;
    case schema::Failure::BUSY:
      s.code = status_code::busy;
      break;
    case schema::Failure::NO_SPACE:
      s.code = status_code::no_space;
      break;
    case schema::Failure::NOT_FOUND:
      s.code = status_code::not_found;
      break;
    case schema::Failure::EXISTS:
      s.code = status_code::exists;
      break;
    case schema::Failure::FAILED:
    default:
      // why: a failure case from a newer peer that we do not know is still
      // a failure; report it as such rather than as success.
      s.code = status_code::failed;
      break;
  }
  return s;
}

void to_capnp(const kv::key_value& kv, schema::KeyValue::Builder b) {
  b.setKey(data_of(kv.key));
  b.setValue(data_of(kv.value));
  b.setCreateRevision(kv.create_revision);
  b.setModRevision(kv.mod_revision);
  b.setVersion(kv.version);
}

kv::key_value from_capnp(schema::KeyValue::Reader r) {
  kv::key_value kv;
  kv.key = string_of(r.getKey());
  kv.value = string_of(r.getValue());
  kv.create_revision = r.getCreateRevision();
  kv.mod_revision = r.getModRevision();
  kv.version = r.getVersion();
  return kv;
}

void to_capnp(const kv::range_result& r, schema::RangeResponse::Builder b) {
  b.setHeaderRevision(r.header_revision);
  auto kvs = b.initKvs(static_cast<unsigned>(r.kvs.size()));
  for (unsigned i = 0; i < r.kvs.size(); ++i)
    to_capnp(r.kvs[i], kvs[i]);
  b.setMore(r.more);
  b.setCount(r.count);
}

kv::range_result from_capnp(schema::RangeResponse::Reader r) {
  kv::range_result out;
  out.header_revision = r.getHeaderRevision();
  for (auto kv : r.getKvs())
    out.kvs.push_back(from_capnp(kv));
  out.more = r.getMore();
  out.count = r.getCount();
  return out;
}

void to_capnp(const kv::put_result& r, schema::PutResponse::Builder b) {
  b.setHeaderRevision(r.header_revision);
  b.setHasPrevKv(r.prev_kv.has_value());
  if (r.prev_kv)
    to_capnp(*r.prev_kv, b.initPrevKv());
}

kv::put_result from_capnp(schema::PutResponse::Reader r) {
  kv::put_result out;
  out.header_revision = r.getHeaderRevision();
  if (r.getHasPrevKv())
    out.prev_kv = from_capnp(r.getPrevKv());
  return out;
}

void to_capnp(const kv::delete_result& r, schema::DeleteResponse::Builder b) {
  b.setHeaderRevision(r.header_revision);
  b.setDeleted(r.deleted);
  auto kvs = b.initPrevKvs(static_cast<unsigned>(r.prev_kvs.size()));
  for (unsigned i = 0; i < r.prev_kvs.size(); ++i)
    to_capnp(r.prev_kvs[i], kvs[i]);
}

kv::delete_result from_capnp(schema::DeleteResponse::Reader r) {
  kv::delete_result out;
  out.header_revision = r.getHeaderRevision();
  out.deleted = r.getDeleted();
  for (auto kv : r.getPrevKvs())
    out.prev_kvs.push_back(from_capnp(kv));
  return out;
}

void to_capnp(const kv::txn_result& r, schema::TxnResponse::Builder b) {
  b.setHeaderRevision(r.header_revision);
  b.setSucceeded(r.succeeded);
  auto ops = b.initResponses(static_cast<unsigned>(r.responses.size()));
  for (unsigned i = 0; i < r.responses.size(); ++i) {
    const auto& op = r.responses[i];
    if (auto x = std::get_if<kv::range_result>(&op))
      to_capnp(*x, ops[i].initRange());
    else if (auto p = std::get_if<kv::put_result>(&op))
      to_capnp(*p, ops[i].initPut());
    else
      to_capnp(std::get<kv::delete_result>(op), ops[i].initDelete());
  }
}

kv::txn_result from_capnp(schema::TxnResponse::Reader r) {
  kv::txn_result out;
  out.header_revision = r.getHeaderRevision();
  out.succeeded = r.getSucceeded();
  for (auto op : r.getResponses()) {
    switch (op.which()) {
      case schema::ResponseOp::RANGE:
        out.responses.emplace_back(from_capnp(op.getRange()));
        break;
      case schema::ResponseOp::PUT:
        out.responses.emplace_back(from_capnp(op.getPut()));
        break;
      case schema::ResponseOp::DELETE:
        out.responses.emplace_back(from_capnp(op.getDelete()));
        break;
      default:
        throw decode_error("txn response: unknown operation "
                           + std::to_string(static_cast<unsigned>(op.which())));
    }
  }
  return out;
}

void to_capnp(const kv::event& e, schema::Event::Builder b) {
  b.setType(e.type == kv::event::kind::put ? schema::Event::Type::PUT
                                           : schema::Event::Type::DELETE);
  to_capnp(e.kv, b.initKv());
}

kv::event from_capnp(schema::Event::Reader r) {
  kv::event e;
  e.type = r.getType() == schema::Event::Type::DELETE ? kv::event::kind::del
                                                      : kv::event::kind::put;
  e.kv = from_capnp(r.getKv());
  return e;
}

} // namespace gd::proto
