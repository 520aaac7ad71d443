#include "protocol/raft_capnp.hpp"

#include "protocol/records_capnp.hpp"

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

raft::entry_type from_capnp(schema::EntryType t) {
  switch (t) {
    case schema::EntryType::COMMAND:
      return raft::entry_type::command;
    case schema::EntryType::CONFIG:
      return raft::entry_type::config;
    case schema::EntryType::NOOP:
      return raft::entry_type::noop;
    default:
      break;
  }
  throw decode_error("raft entry: unknown type "
                     + std::to_string(static_cast<unsigned>(t)));
}

schema::EntryType to_capnp(raft::entry_type t) {
  switch (t) {
    case raft::entry_type::command:
      return schema::EntryType::COMMAND;
    case raft::entry_type::config:
      return schema::EntryType::CONFIG;
    case raft::entry_type::noop:
      return schema::EntryType::NOOP;
  }
  return schema::EntryType::UNSPECIFIED;
}

raft::message_type from_capnp(schema::MessageType t) {
  auto v = static_cast<unsigned>(t);
  if (v >= static_cast<unsigned>(raft::message_type::pre_vote)
      && v <= static_cast<unsigned>(raft::message_type::heartbeat_reply))
    return static_cast<raft::message_type>(v);
  throw decode_error("raft message: unknown type " + std::to_string(v));
}

schema::MessageType to_capnp(raft::message_type t) {
  // why: the wire values equal raft::message_type's, by design.
  return static_cast<schema::MessageType>(static_cast<unsigned>(t));
}

} // namespace

void to_capnp(const raft::snapshot_meta& s, schema::SnapshotMeta::Builder b) {
  b.setIndex(s.index);
  b.setTerm(s.term);
  to_capnp(s.config, b.initConfig());
}

raft::snapshot_meta from_capnp(schema::SnapshotMeta::Reader r) {
  raft::snapshot_meta s;
  s.index = r.getIndex();
  s.term = r.getTerm();
  s.config = from_capnp(r.getConfig());
  return s;
}

void to_capnp(const raft::message& m, schema::Message::Builder b) {
  b.setType(to_capnp(m.type));
  b.setFrom(m.from);
  b.setTo(m.to);
  b.setTerm(m.term);
  b.setLastLogIndex(m.last_log_index);
  b.setLastLogTerm(m.last_log_term);
  b.setTransfer(m.transfer);
  b.setReject(m.reject);
  b.setPrevIndex(m.prev_index);
  b.setPrevTerm(m.prev_term);
  if (!m.entries.empty()) {
    auto es = b.initEntries(static_cast<unsigned>(m.entries.size()));
    for (unsigned i = 0; i < m.entries.size(); ++i) {
      const auto& e = m.entries[i];
      es[i].setIndex(e.index);
      es[i].setTerm(e.term);
      es[i].setType(to_capnp(e.type));
      es[i].setData(data_of(e.data));
    }
  }
  b.setCommit(m.commit);
  b.setIndex(m.index);
  b.setHintIndex(m.hint_index);
  b.setHintTerm(m.hint_term);
  b.setContext(m.context);
  if (m.type == raft::message_type::install_snapshot)
    to_capnp(m.snapshot, b.initSnapshot());
}

raft::message from_capnp(schema::Message::Reader r) {
  raft::message m;
  m.type = from_capnp(r.getType());
  m.from = r.getFrom();
  m.to = r.getTo();
  m.term = r.getTerm();
  m.last_log_index = r.getLastLogIndex();
  m.last_log_term = r.getLastLogTerm();
  m.transfer = r.getTransfer();
  m.reject = r.getReject();
  m.prev_index = r.getPrevIndex();
  m.prev_term = r.getPrevTerm();
  auto es = r.getEntries();
  m.entries.reserve(es.size());
  for (auto e : es)
    m.entries.push_back(
      {e.getIndex(), e.getTerm(), from_capnp(e.getType()), string_of(e.getData())});
  m.commit = r.getCommit();
  m.index = r.getIndex();
  m.hint_index = r.getHintIndex();
  m.hint_term = r.getHintTerm();
  m.context = r.getContext();
  if (r.hasSnapshot())
    m.snapshot = from_capnp(r.getSnapshot());
  return m;
}

void to_capnp(const raft::peer_batch& pb, schema::PeerBatch::Builder b) {
  b.setFrom(pb.from);
  b.setTo(pb.to);
  if (!pb.messages.empty()) {
    auto ms = b.initMessages(static_cast<unsigned>(pb.messages.size()));
    for (unsigned i = 0; i < pb.messages.size(); ++i)
      to_capnp(pb.messages[i], ms[i]);
  }
  if (!pb.chunks.empty()) {
    auto cs = b.initChunks(static_cast<unsigned>(pb.chunks.size()));
    for (unsigned i = 0; i < pb.chunks.size(); ++i) {
      const auto& c = pb.chunks[i];
      auto cb = cs[i];
      cb.setFrom(c.from);
      cb.setTo(c.to);
      cb.setTerm(c.term);
      cb.setTransferId(c.transfer_id);
      to_capnp(c.meta, cb.initMeta());
      cb.setOffset(c.offset);
      cb.setTotalSize(c.total_size);
      cb.setChecksum(c.checksum);
      cb.setData(data_of(c.data));
      cb.setLast(c.last);
    }
  }
  if (!pb.acks.empty()) {
    auto as = b.initAcks(static_cast<unsigned>(pb.acks.size()));
    for (unsigned i = 0; i < pb.acks.size(); ++i) {
      const auto& a = pb.acks[i];
      auto ab = as[i];
      ab.setFrom(a.from);
      ab.setTo(a.to);
      ab.setTerm(a.term);
      ab.setTransferId(a.transfer_id);
      ab.setNextOffset(a.next_offset);
      ab.setDone(a.done);
      ab.setFailed(a.failed);
      ab.setError(a.error);
    }
  }
}

raft::peer_batch from_capnp(schema::PeerBatch::Reader r) {
  raft::peer_batch pb;
  pb.from = r.getFrom();
  pb.to = r.getTo();
  for (auto m : r.getMessages())
    pb.messages.push_back(from_capnp(m));
  for (auto c : r.getChunks()) {
    raft::snapshot_chunk x;
    x.from = c.getFrom();
    x.to = c.getTo();
    x.term = c.getTerm();
    x.transfer_id = c.getTransferId();
    x.meta = from_capnp(c.getMeta());
    x.offset = c.getOffset();
    x.total_size = c.getTotalSize();
    x.checksum = c.getChecksum();
    x.data = string_of(c.getData());
    x.last = c.getLast();
    pb.chunks.push_back(std::move(x));
  }
  for (auto a : r.getAcks()) {
    raft::snapshot_ack x;
    x.from = a.getFrom();
    x.to = a.getTo();
    x.term = a.getTerm();
    x.transfer_id = a.getTransferId();
    x.next_offset = a.getNextOffset();
    x.done = a.getDone();
    x.failed = a.getFailed();
    x.error = std::string(a.getError().cStr(), a.getError().size());
    pb.acks.push_back(std::move(x));
  }
  return pb;
}

} // namespace gd::proto
