#include "protocol/cluster_codec.hpp"

#include <cstring>

#include <capnp/message.h>
#include <capnp/serialize.h>

#include "protocol/cluster_capnp.hpp"
#include "protocol/records_capnp.hpp"

namespace gd::proto {

namespace {

using gd::proto::from_capnp;
using gd::proto::to_capnp;

std::string str(capnp::Text::Reader t) {
  return {t.cStr(), t.size()};
}

std::string to_bytes(capnp::MessageBuilder& mb) {
  auto words = capnp::messageToFlatArray(mb);
  auto bytes = words.asBytes();
  return {reinterpret_cast<const char*>(bytes.begin()), bytes.size()};
}

template <class Root, class F>
auto read(std::string_view bytes, const char* what, F&& f) {
  if (bytes.size() % sizeof(capnp::word) != 0 || bytes.empty())
    throw decode_error(std::string(what) + " record: length "
                       + std::to_string(bytes.size())
                       + " is not a positive multiple of 8 bytes");
  auto words = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), bytes.data(), bytes.size());
  try {
    capnp::ReaderOptions opts;
    opts.traversalLimitInWords = 1 << 20;
    opts.nestingLimit = 16;
    capnp::FlatArrayMessageReader reader(words, opts);
    return f(reader.template getRoot<Root>());
  } catch (const kj::Exception& e) {
    throw decode_error(std::string(what) + " record: "
                       + e.getDescription().cStr());
  }
}

void to_capnp(const cluster::peer& p, schema::PeerRecord::Builder b) {
  b.setUuid(p.uuid);
  b.setHostname(p.hostname);
  auto as = b.initAddresses(static_cast<unsigned>(p.addresses.size()));
  for (unsigned i = 0; i < p.addresses.size(); ++i)
    as.set(i, p.addresses[i]);
  b.setZone(p.zone);
  b.setMonitor(p.monitor);
  b.setDown(p.down);
  b.setCredentialId(p.credential_id);
}

cluster::peer from_capnp(schema::PeerRecord::Reader r) {
  cluster::peer p;
  p.uuid = str(r.getUuid());
  p.hostname = str(r.getHostname());
  for (auto a : r.getAddresses())
    p.addresses.push_back(str(a));
  p.zone = str(r.getZone());
  p.monitor = r.getMonitor();
  p.down = r.getDown();
  p.credential_id = r.getCredentialId();
  if (p.uuid.empty() || p.hostname.empty())
    throw decode_error("peer record without a uuid or hostname");
  return p;
}

void to_capnp(const cluster::bricks_observed& o,
              schema::ServerObservation::Builder b) {
  b.setUuid(o.uuid);
  auto l = b.initBricks(static_cast<unsigned>(o.bricks.size()));
  for (unsigned i = 0; i < o.bricks.size(); ++i) {
    const auto& x = o.bricks[i];
    l[i].setVolume(x.volume);
    l[i].setPath(x.path);
    l[i].setOnline(x.online);
    l[i].setPort(x.port);
    l[i].setPid(x.pid);
    l[i].setError(x.error);
  }
}

cluster::bricks_observed from_capnp(schema::ServerObservation::Reader r) {
  cluster::bricks_observed o;
  o.uuid = str(r.getUuid());
  if (o.uuid.empty())
    throw decode_error("brick observation without a server uuid");
  for (auto x : r.getBricks()) {
    cluster::brick_observation b;
    b.volume = str(x.getVolume());
    b.path = str(x.getPath());
    b.online = x.getOnline();
    b.port = x.getPort();
    b.pid = x.getPid();
    b.error = str(x.getError());
    if (b.volume.empty() || b.path.empty())
      throw decode_error("brick observation without a volume or path");
    o.bricks.push_back(std::move(b));
  }
  return o;
}

void to_capnp(const cluster::brick_spec& b, schema::BrickSpec::Builder out) {
  out.setHost(b.host);
  out.setPath(b.path);
}

cluster::brick_spec from_capnp(schema::BrickSpec::Reader r) {
  return {str(r.getHost()), str(r.getPath())};
}

template <class List>
std::vector<cluster::brick_spec> specs_of(List l) {
  std::vector<cluster::brick_spec> out;
  for (auto b : l)
    out.push_back(from_capnp(b));
  return out;
}

template <class Builder>
void set_specs(Builder b, const std::vector<cluster::brick_spec>& specs) {
  auto l = b.initBricks(static_cast<unsigned>(specs.size()));
  for (unsigned i = 0; i < specs.size(); ++i)
    to_capnp(specs[i], l[i]);
}

schema::VolumeType to_capnp(cluster::volume_type t) {
  return static_cast<schema::VolumeType>(static_cast<unsigned>(t));
}

cluster::volume_type from_capnp(schema::VolumeType t) {
  auto v = static_cast<unsigned>(t);
  if (v < 1 || v > 5)
    throw decode_error("unknown volume type " + std::to_string(v));
  return static_cast<cluster::volume_type>(v);
}

schema::VolumeStatus to_capnp(cluster::volume_status s) {
  return static_cast<schema::VolumeStatus>(static_cast<unsigned>(s));
}

cluster::volume_status from_capnp(schema::VolumeStatus s) {
  auto v = static_cast<unsigned>(s);
  if (v < 1 || v > 3)
    throw decode_error("unknown volume status " + std::to_string(v));
  return static_cast<cluster::volume_status>(v);
}

} // namespace

void to_capnp(const cluster::role_assignment& r, schema::RoleRecord::Builder b) {
  b.setTask(r.task);
  b.setKind(static_cast<std::uint8_t>(r.kind));
  b.setVolume(r.volume);
  b.setSet(r.set);
  b.setHolder(r.holder);
  b.setEpoch(r.epoch);
  b.setSinceMs(r.since_ms);
}

cluster::role_assignment from_capnp(schema::RoleRecord::Reader r) {
  cluster::role_assignment a;
  a.task = str(r.getTask());
  auto kind = r.getKind();
  if (kind < 1 || kind > 3)
    throw decode_error("role record: kind " + std::to_string(kind)
                       + " is unknown");
  a.kind = static_cast<cluster::role_kind>(kind);
  a.volume = str(r.getVolume());
  a.set = r.getSet();
  a.holder = str(r.getHolder());
  a.epoch = r.getEpoch();
  a.since_ms = r.getSinceMs();
  if (a.task.empty() || a.volume.empty())
    throw decode_error("role record without a task or volume");
  return a;
}


void to_capnp(const cluster::command& c, schema::ClusterCommand::Builder b) {
  using namespace cluster;
  if (auto x = std::get_if<peer_add>(&c)) {
    to_capnp(x->peer, b.initPeerAdd());
  } else if (auto x = std::get_if<peer_remove>(&c)) {
    auto r = b.initPeerRemove();
    r.setHost(x->host);
    r.setForce(x->force);
  } else if (auto x = std::get_if<volume_create>(&c)) {
    auto r = b.initVolumeCreate();
    r.setName(x->name);
    r.setId(x->id);
    r.setReplicaCount(x->replica_count);
    r.setArbiterCount(x->arbiter_count);
    r.setDisperseCount(x->disperse_count);
    r.setRedundancyCount(x->redundancy_count);
    r.setTransport(x->transport);
    set_specs(r, x->bricks);
    r.setForce(x->force);
  } else if (auto x = std::get_if<volume_start>(&c)) {
    auto r = b.initVolumeStart();
    r.setName(x->name);
    r.setForce(x->force);
  } else if (auto x = std::get_if<volume_stop>(&c)) {
    auto r = b.initVolumeStop();
    r.setName(x->name);
    r.setForce(x->force);
  } else if (auto x = std::get_if<volume_delete>(&c)) {
    b.setVolumeDelete(x->name);
  } else if (auto x = std::get_if<volume_set>(&c)) {
    auto r = b.initVolumeSet();
    r.setName(x->name);
    r.setKey(x->key);
    r.setValue(x->value);
  } else if (auto x = std::get_if<volume_reset>(&c)) {
    auto r = b.initVolumeReset();
    r.setName(x->name);
    r.setKey(x->key);
    r.setForce(x->force);
  } else if (auto x = std::get_if<add_brick>(&c)) {
    auto r = b.initAddBrick();
    r.setName(x->name);
    r.setReplicaCount(x->replica_count);
    set_specs(r, x->bricks);
    r.setForce(x->force);
    r.setArbiterCount(x->arbiter_count);
  } else if (auto x = std::get_if<remove_brick>(&c)) {
    auto r = b.initRemoveBrick();
    r.setName(x->name);
    set_specs(r, x->bricks);
    r.setAction(static_cast<schema::ClusterCommand::RemoveBrick::Action>(
      static_cast<unsigned>(x->action)));
    r.setTaskId(x->task_id);
    r.setReplicaCount(x->replica_count);
  } else if (auto x = std::get_if<bricks_observed>(&c)) {
    to_capnp(*x, b.initBricksObserved());
  } else if (auto x = std::get_if<roles_assign>(&c)) {
    auto r = b.initRolesAssign();
    auto set = r.initSet(static_cast<unsigned>(x->set.size()));
    for (unsigned i = 0; i < x->set.size(); ++i)
      to_capnp(x->set[i], set[i]);
    auto rm = r.initRemove(static_cast<unsigned>(x->remove.size()));
    for (unsigned i = 0; i < x->remove.size(); ++i)
      rm.set(i, x->remove[i]);
  } else if (auto x = std::get_if<peer_liveness>(&c)) {
    auto l = b.initPeerLiveness(static_cast<unsigned>(x->changes.size()));
    for (unsigned i = 0; i < x->changes.size(); ++i) {
      l[i].setUuid(x->changes[i].uuid);
      l[i].setDown(x->changes[i].down);
    }
  } else {
    auto& y = std::get<replace_brick>(c);
    auto r = b.initReplaceBrick();
    r.setName(y.name);
    to_capnp(y.old_brick, r.initOldBrick());
    to_capnp(y.new_brick, r.initNewBrick());
  }
}

cluster::command from_capnp(schema::ClusterCommand::Reader r) {
  using namespace cluster;
  using C = schema::ClusterCommand;
  switch (r.which()) {
    case C::PEER_ADD:
      return peer_add{from_capnp(r.getPeerAdd())};
    case C::PEER_REMOVE:
      return peer_remove{str(r.getPeerRemove().getHost()),
                         r.getPeerRemove().getForce()};
    case C::VOLUME_CREATE: {
      auto x = r.getVolumeCreate();
      volume_create v;
      v.name = str(x.getName());
      v.id = str(x.getId());
      v.replica_count = x.getReplicaCount();
      v.arbiter_count = x.getArbiterCount();
      v.disperse_count = x.getDisperseCount();
      v.redundancy_count = x.getRedundancyCount();
      v.transport = str(x.getTransport());
      v.bricks = specs_of(x.getBricks());
      v.force = x.getForce();
      return v;
    }
    case C::VOLUME_START:
      return volume_start{str(r.getVolumeStart().getName()),
                          r.getVolumeStart().getForce()};
    case C::VOLUME_STOP:
      return volume_stop{str(r.getVolumeStop().getName()),
                         r.getVolumeStop().getForce()};
    case C::VOLUME_DELETE:
      return volume_delete{str(r.getVolumeDelete())};
    case C::VOLUME_SET: {
      auto x = r.getVolumeSet();
      return volume_set{str(x.getName()), str(x.getKey()), str(x.getValue())};
    }
    case C::VOLUME_RESET: {
      auto x = r.getVolumeReset();
      return volume_reset{str(x.getName()), str(x.getKey()), x.getForce()};
    }
    case C::ADD_BRICK: {
      auto x = r.getAddBrick();
      add_brick a;
      a.name = str(x.getName());
      a.replica_count = x.getReplicaCount();
      a.bricks = specs_of(x.getBricks());
      a.force = x.getForce();
      a.arbiter_count = x.getArbiterCount();
      return a;
    }
    case C::REMOVE_BRICK: {
      auto x = r.getRemoveBrick();
      remove_brick rb;
      rb.name = str(x.getName());
      rb.bricks = specs_of(x.getBricks());
      auto a = static_cast<unsigned>(x.getAction());
      if (a < 1 || a > 4)
        throw decode_error("remove-brick action " + std::to_string(a)
                           + " is not start, stop, commit or force");
      rb.action = static_cast<remove_brick::op>(a);
      rb.task_id = str(x.getTaskId());
      rb.replica_count = x.getReplicaCount();
      return rb;
    }
    case C::REPLACE_BRICK: {
      auto x = r.getReplaceBrick();
      return replace_brick{str(x.getName()), from_capnp(x.getOldBrick()),
                           from_capnp(x.getNewBrick())};
    }
    case C::BRICKS_OBSERVED:
      return from_capnp(r.getBricksObserved());
    case C::ROLES_ASSIGN: {
      roles_assign ra;
      auto x = r.getRolesAssign();
      for (auto s : x.getSet())
        ra.set.push_back(from_capnp(s));
      for (auto t : x.getRemove())
        ra.remove.push_back(str(t));
      return ra;
    }
    case C::PEER_LIVENESS: {
      peer_liveness pl;
      for (auto ch : r.getPeerLiveness())
        pl.changes.push_back({str(ch.getUuid()), ch.getDown()});
      return pl;
    }
  }
  throw decode_error("cluster command "
                     + std::to_string(static_cast<unsigned>(r.which()))
                     + " is unknown");
}


std::string encode_peer(const cluster::peer& p) {
  capnp::MallocMessageBuilder mb;
  to_capnp(p, mb.initRoot<schema::PeerRecord>());
  return to_bytes(mb);
}

std::string encode_observation(const cluster::bricks_observed& o) {
  capnp::MallocMessageBuilder mb;
  to_capnp(o, mb.initRoot<schema::ServerObservation>());
  return to_bytes(mb);
}

cluster::bricks_observed decode_observation(std::string_view bytes) {
  return read<schema::ServerObservation>(bytes, "brick observation",
                                         [](auto r) { return from_capnp(r); });
}

std::string encode_role(const cluster::role_assignment& r) {
  capnp::MallocMessageBuilder mb;
  to_capnp(r, mb.initRoot<schema::RoleRecord>());
  return to_bytes(mb);
}

cluster::role_assignment decode_role(std::string_view bytes) {
  return read<schema::RoleRecord>(bytes, "role",
                                  [](auto r) { return from_capnp(r); });
}

cluster::peer decode_peer(std::string_view bytes) {
  return read<schema::PeerRecord>(bytes, "peer", [](auto r) {
    return from_capnp(r);
  });
}

std::string encode_volume(const cluster::volume& v) {
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::VolumeRecord>();
  b.setId(v.id);
  b.setName(v.name);
  b.setType(to_capnp(v.type));
  b.setReplicaCount(v.replica_count);
  b.setArbiterCount(v.arbiter_count);
  b.setDisperseCount(v.disperse_count);
  b.setRedundancyCount(v.redundancy_count);
  b.setTransport(v.transport);
  b.setStatus(to_capnp(v.status));
  b.setVolfileVersion(v.volfile_version);
  b.setBrickCount(static_cast<std::uint32_t>(v.bricks.size()));
  b.setRemoveBrickTask(v.remove_brick_task);
  return to_bytes(mb);
}

cluster::volume decode_volume(std::string_view bytes,
                              std::uint32_t& brick_count) {
  return read<schema::VolumeRecord>(bytes, "volume", [&](auto r) {
    cluster::volume v;
    v.id = str(r.getId());
    v.name = str(r.getName());
    v.type = from_capnp(r.getType());
    v.replica_count = r.getReplicaCount();
    v.arbiter_count = r.getArbiterCount();
    v.disperse_count = r.getDisperseCount();
    v.redundancy_count = r.getRedundancyCount();
    v.transport = str(r.getTransport());
    v.status = from_capnp(r.getStatus());
    v.volfile_version = r.getVolfileVersion();
    v.remove_brick_task = str(r.getRemoveBrickTask());
    brick_count = r.getBrickCount();
    if (v.name.empty())
      throw decode_error("volume record without a name");
    return v;
  });
}

std::string encode_brick(const cluster::brick& b) {
  capnp::MallocMessageBuilder mb;
  auto r = mb.initRoot<schema::BrickRecord>();
  r.setIndex(b.index);
  r.setPeerUuid(b.peer_uuid);
  r.setHost(b.host);
  r.setPath(b.path);
  r.setArbiter(b.arbiter);
  r.setDecommissioned(b.decommissioned);
  return to_bytes(mb);
}

cluster::brick decode_brick(std::string_view bytes) {
  return read<schema::BrickRecord>(bytes, "brick", [](auto r) {
    cluster::brick b;
    b.index = r.getIndex();
    b.peer_uuid = str(r.getPeerUuid());
    b.host = str(r.getHost());
    b.path = str(r.getPath());
    b.arbiter = r.getArbiter();
    b.decommissioned = r.getDecommissioned();
    if (b.path.empty() || b.peer_uuid.empty())
      throw decode_error("brick record without a path or peer");
    return b;
  });
}

std::string encode_command(const log_command& c) {
  if (auto kv = std::get_if<kv::write_request>(&c))
    return encode_write_request(*kv);
  capnp::MallocMessageBuilder mb;
  to_capnp(std::get<cluster::command>(c),
           mb.initRoot<schema::Command>().initCluster());
  return to_bytes(mb);
}

log_command decode_command(std::string_view bytes) {
  return read<schema::Command>(bytes, "command", [](schema::Command::Reader r)
                                                    -> log_command {
    try {
      if (r.which() == schema::Command::CLUSTER)
        return from_capnp(r.getCluster());
      return from_capnp(r);
    } catch (const decode_error& e) {
      throw decode_error(std::string("command record: ") + e.what());
    }
  });
}

} // namespace gd::proto
