#include "protocol/records_codec.hpp"

#include <cstring>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include "protocol/records_capnp.hpp"

namespace gd::proto {

namespace {

// why: the helpers below overload the public converters; without these, the
// helpers' names would hide them inside this namespace.
using gd::proto::from_capnp;
using gd::proto::to_capnp;

// why: records come from disk or from peers; a hostile or corrupt one must not
// make us walk gigabytes or recurse deeply.
capnp::ReaderOptions record_reader_options() {
  capnp::ReaderOptions opts;
  opts.traversalLimitInWords = 8 * 1024 * 1024; // 64 MiB
  opts.nestingLimit = 32;
  return opts;
}

capnp::Data::Reader data_of(const std::string& s) {
  return {reinterpret_cast<const kj::byte*>(s.data()), s.size()};
}

std::string string_of(capnp::Data::Reader d) {
  return {reinterpret_cast<const char*>(d.begin()), d.size()};
}

std::string string_of(capnp::Text::Reader t) {
  return {t.cStr(), t.size()};
}

std::string to_bytes(capnp::MessageBuilder& mb) {
  auto words = capnp::messageToFlatArray(mb);
  auto bytes = words.asBytes();
  return {reinterpret_cast<const char*>(bytes.begin()), bytes.size()};
}

/// Reads a flat-array message from `bytes` and hands its root to `f`. Copies
/// into aligned words first: std::string data is not word-aligned.
template <class Root, class F>
auto read_record(std::string_view bytes, const char* what, F&& f) {
  if (bytes.size() % sizeof(capnp::word) != 0)
    throw decode_error(std::string(what) + " record: length "
                       + std::to_string(bytes.size())
                       + " is not a multiple of 8 bytes");
  kj::Array<capnp::word> words
    = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), bytes.data(), bytes.size());
  try {
    capnp::FlatArrayMessageReader reader(words, record_reader_options());
    // why: a record is exactly one message; bytes after it mean the record
    // was framed or stored wrongly.
    if (reader.getEnd() != words.end())
      throw decode_error(std::string(what) + " record: "
                         + std::to_string((words.end() - reader.getEnd())
                                          * sizeof(capnp::word))
                         + " bytes after the end of the message");
    return f(reader.getRoot<Root>());
  } catch (const kj::Exception& e) {
    throw decode_error(std::string(what) + " record: "
                       + e.getDescription().cStr());
  }
}

kv::key_range from_capnp(schema::KeyRange::Reader r) {
  return {string_of(r.getKey()), string_of(r.getRangeEnd())};
}

void to_capnp(const kv::key_range& k, schema::KeyRange::Builder b) {
  b.setKey(data_of(k.key));
  b.setRangeEnd(data_of(k.range_end));
}

kv::compare_target from_capnp(schema::CompareTarget t) {
  switch (t) {
    case schema::CompareTarget::VALUE:
      return kv::compare_target::value;
    case schema::CompareTarget::VERSION:
      return kv::compare_target::version;
    case schema::CompareTarget::CREATE_REVISION:
      return kv::compare_target::create_revision;
    case schema::CompareTarget::MOD_REVISION:
      return kv::compare_target::mod_revision;
    default:
      break;
  }
  throw decode_error("compare target "
                     + std::to_string(static_cast<unsigned>(t))
                     + " is not value, version, createRevision or modRevision");
}

schema::CompareTarget to_capnp(kv::compare_target t) {
  switch (t) {
    case kv::compare_target::value:
      return schema::CompareTarget::VALUE;
    case kv::compare_target::version:
      return schema::CompareTarget::VERSION;
    case kv::compare_target::create_revision:
      return schema::CompareTarget::CREATE_REVISION;
    case kv::compare_target::mod_revision:
      return schema::CompareTarget::MOD_REVISION;
  }
  return schema::CompareTarget::UNSPECIFIED;
}

kv::compare_result from_capnp(schema::CompareResult r) {
  switch (r) {
    case schema::CompareResult::EQUAL:
      return kv::compare_result::equal;
    case schema::CompareResult::NOT_EQUAL:
      return kv::compare_result::not_equal;
    case schema::CompareResult::GREATER:
      return kv::compare_result::greater;
    case schema::CompareResult::LESS:
      return kv::compare_result::less;
    default:
      break;
  }
  throw decode_error("compare result "
                     + std::to_string(static_cast<unsigned>(r))
                     + " is not equal, notEqual, greater or less");
}

schema::CompareResult to_capnp(kv::compare_result r) {
  switch (r) {
    case kv::compare_result::equal:
      return schema::CompareResult::EQUAL;
    case kv::compare_result::not_equal:
      return schema::CompareResult::NOT_EQUAL;
    case kv::compare_result::greater:
      return schema::CompareResult::GREATER;
    case kv::compare_result::less:
      return schema::CompareResult::LESS;
  }
  return schema::CompareResult::UNSPECIFIED;
}

void to_capnp(const kv::request_op& op, schema::RequestOp::Builder b) {
  if (auto r = std::get_if<kv::range_request>(&op))
    to_capnp(*r, b.initRange());
  else if (auto p = std::get_if<kv::put_request>(&op))
    to_capnp(*p, b.initPut());
  else
    to_capnp(std::get<kv::delete_request>(op), b.initDelete());
}

kv::request_op from_capnp(schema::RequestOp::Reader r) {
  switch (r.which()) {
    case schema::RequestOp::RANGE:
      return from_capnp(r.getRange());
    case schema::RequestOp::PUT:
      return from_capnp(r.getPut());
    case schema::RequestOp::DELETE:
      return from_capnp(r.getDelete());
  }
  throw decode_error("txn operation "
                     + std::to_string(static_cast<unsigned>(r.which()))
                     + " is not range, put or delete");
}

} // namespace

void to_capnp(const raft::member& m, schema::Member::Builder b) {
  b.setId(m.id);
  b.setName(m.name);
  b.setAddress(m.address);
}

raft::member from_capnp(schema::Member::Reader r) {
  return {r.getId(), string_of(r.getName()), string_of(r.getAddress())};
}

void to_capnp(const raft::configuration& c, schema::Configuration::Builder b) {
  auto voters = b.initVoters(static_cast<unsigned>(c.voters.size()));
  for (unsigned i = 0; i < c.voters.size(); ++i)
    to_capnp(c.voters[i], voters[i]);
  auto learners = b.initLearners(static_cast<unsigned>(c.learners.size()));
  for (unsigned i = 0; i < c.learners.size(); ++i)
    to_capnp(c.learners[i], learners[i]);
}

raft::configuration from_capnp(schema::Configuration::Reader r) {
  raft::configuration c;
  for (auto m : r.getVoters())
    c.voters.push_back(from_capnp(m));
  for (auto m : r.getLearners())
    c.learners.push_back(from_capnp(m));
  if (auto err = c.validate(); !err.empty())
    throw decode_error("invalid configuration: " + err);
  return c;
}

void to_capnp(const kv::range_request& r, schema::RangeRequest::Builder b) {
  to_capnp(r.range, b.initRange());
  b.setLimit(r.limit);
  b.setKeysOnly(r.keys_only);
  b.setCountOnly(r.count_only);
}

kv::range_request from_capnp(schema::RangeRequest::Reader r) {
  kv::range_request out;
  out.range = from_capnp(r.getRange());
  out.limit = r.getLimit();
  out.keys_only = r.getKeysOnly();
  out.count_only = r.getCountOnly();
  return out;
}

void to_capnp(const kv::put_request& r, schema::PutRequest::Builder b) {
  b.setKey(data_of(r.key));
  b.setValue(data_of(r.value));
  b.setPrevKv(r.prev_kv);
}

kv::put_request from_capnp(schema::PutRequest::Reader r) {
  return {string_of(r.getKey()), string_of(r.getValue()), r.getPrevKv()};
}

void to_capnp(const kv::delete_request& r, schema::DeleteRequest::Builder b) {
  to_capnp(r.range, b.initRange());
  b.setPrevKv(r.prev_kv);
}

kv::delete_request from_capnp(schema::DeleteRequest::Reader r) {
  return {from_capnp(r.getRange()), r.getPrevKv()};
}

void to_capnp(const kv::txn_request& r, schema::TxnRequest::Builder b) {
  auto cmps = b.initCompares(static_cast<unsigned>(r.compares.size()));
  for (unsigned i = 0; i < r.compares.size(); ++i) {
    const auto& c = r.compares[i];
    auto cb = cmps[i];
    cb.setKey(data_of(c.key));
    cb.setTarget(to_capnp(c.target));
    cb.setResult(to_capnp(c.result));
    cb.setValue(data_of(c.value));
    cb.setNumber(c.number);
  }
  auto succ = b.initSuccess(static_cast<unsigned>(r.success.size()));
  for (unsigned i = 0; i < r.success.size(); ++i)
    to_capnp(r.success[i], succ[i]);
  auto fail = b.initFailure(static_cast<unsigned>(r.failure.size()));
  for (unsigned i = 0; i < r.failure.size(); ++i)
    to_capnp(r.failure[i], fail[i]);
}

kv::txn_request from_capnp(schema::TxnRequest::Reader r) {
  kv::txn_request out;
  for (auto c : r.getCompares()) {
    kv::compare cmp;
    cmp.key = string_of(c.getKey());
    cmp.target = from_capnp(c.getTarget());
    cmp.result = from_capnp(c.getResult());
    cmp.value = string_of(c.getValue());
    cmp.number = c.getNumber();
    out.compares.push_back(std::move(cmp));
  }
  for (auto op : r.getSuccess())
    out.success.push_back(from_capnp(op));
  for (auto op : r.getFailure())
    out.failure.push_back(from_capnp(op));
  return out;
}

void to_capnp(const kv::write_request& r, schema::Command::Builder b) {
  if (auto p = std::get_if<kv::put_request>(&r))
    to_capnp(*p, b.initPut());
  else if (auto d = std::get_if<kv::delete_request>(&r))
    to_capnp(*d, b.initDelete());
  else if (auto t = std::get_if<kv::txn_request>(&r))
    to_capnp(*t, b.initTxn());
  else
    b.setCompact(std::get<kv::compact_request>(r).rev);
}

kv::write_request from_capnp(schema::Command::Reader r) {
  switch (r.which()) {
    case schema::Command::PUT:
      return from_capnp(r.getPut());
    case schema::Command::DELETE:
      return from_capnp(r.getDelete());
    case schema::Command::TXN:
      return from_capnp(r.getTxn());
    case schema::Command::COMPACT:
      return kv::compact_request{r.getCompact()};
    case schema::Command::CLUSTER:
      throw decode_error("a cluster command is not a KV write (decode it with "
                         "decode_command)");
  }
  throw decode_error("command "
                     + std::to_string(static_cast<unsigned>(r.which()))
                     + " is not put, delete, txn or compact");
}

std::string encode_configuration(const raft::configuration& c) {
  capnp::MallocMessageBuilder mb;
  to_capnp(c, mb.initRoot<schema::Configuration>());
  return to_bytes(mb);
}

raft::configuration decode_configuration(std::string_view bytes) {
  return read_record<schema::Configuration>(
    bytes, "configuration", [](schema::Configuration::Reader r) {
      try {
        return from_capnp(r);
      } catch (const decode_error& e) {
        throw decode_error(std::string("configuration record: ") + e.what());
      }
    });
}

std::string encode_write_request(const kv::write_request& r) {
  capnp::MallocMessageBuilder mb;
  to_capnp(r, mb.initRoot<schema::Command>());
  return to_bytes(mb);
}

kv::write_request decode_write_request(std::string_view bytes) {
  return read_record<schema::Command>(
    bytes, "command", [](schema::Command::Reader r) {
      try {
        return from_capnp(r);
      } catch (const decode_error& e) {
        throw decode_error(std::string("command record: ") + e.what());
      }
    });
}

} // namespace gd::proto
