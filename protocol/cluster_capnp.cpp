#include "protocol/cluster_capnp.hpp"

namespace gd::proto {

namespace {

std::string str(capnp::Text::Reader t) {
  return {t.cStr(), t.size()};
}

} // namespace

void to_capnp(const cluster::peer_info& p, schema::PeerInfo::Builder b) {
  b.setUuid(p.peer.uuid);
  b.setHostname(p.peer.hostname);
  auto as = b.initAddresses(static_cast<unsigned>(p.peer.addresses.size()));
  for (unsigned i = 0; i < p.peer.addresses.size(); ++i)
    as.set(i, p.peer.addresses[i]);
  b.setZone(p.peer.zone);
  b.setMonitor(p.peer.monitor);
  b.setConnected(p.connected);
  b.setSelf(p.self);
  b.setLastCheckInMs(p.last_check_in_ms);
  b.setCheckInMonitor(p.check_in_monitor);
}

cluster::peer_info from_capnp(schema::PeerInfo::Reader r) {
  cluster::peer_info p;
  p.peer.uuid = str(r.getUuid());
  p.peer.hostname = str(r.getHostname());
  for (auto a : r.getAddresses())
    p.peer.addresses.push_back(str(a));
  p.peer.zone = str(r.getZone());
  p.peer.monitor = r.getMonitor();
  p.connected = r.getConnected();
  p.self = r.getSelf();
  p.last_check_in_ms = r.getLastCheckInMs();
  p.check_in_monitor = str(r.getCheckInMonitor());
  return p;
}

void to_capnp(const cluster::volume_info& info, schema::VolumeInfo::Builder b) {
  const auto& v = info.volume;
  b.setId(v.id);
  b.setName(v.name);
  b.setType(cluster::to_string(v.type));
  b.setStatus(cluster::to_string(v.status));
  b.setReplicaCount(v.replica_count);
  b.setArbiterCount(v.arbiter_count);
  b.setDisperseCount(v.disperse_count);
  b.setRedundancyCount(v.redundancy_count);
  b.setTransport(v.transport);
  b.setSubvolumeCount(v.subvolume_count());
  b.setVolfileVersion(v.volfile_version);
  auto bricks = b.initBricks(static_cast<unsigned>(v.bricks.size()));
  for (unsigned i = 0; i < v.bricks.size(); ++i) {
    const auto& br = v.bricks[i];
    auto o = bricks[i];
    o.setIndex(br.index);
    o.setHost(br.host);
    o.setPath(br.path);
    o.setPeerUuid(br.peer_uuid);
    o.setArbiter(br.arbiter);
    o.setDecommissioned(br.decommissioned);
    if (i < info.observed.size()) {
      o.setOnline(info.observed[i].online);
      o.setPort(info.observed[i].port);
      o.setPid(info.observed[i].pid);
    }
  }
  auto opts = b.initOptions(static_cast<unsigned>(v.options.size()));
  unsigned i = 0;
  for (const auto& [key, value] : v.options) {
    opts[i].setKey(key);
    opts[i].setValue(value);
    opts[i].setIsSet(true);
    ++i;
  }
  b.setRemoveBrickTask(v.remove_brick_task);
}

cluster::volume_info from_capnp(schema::VolumeInfo::Reader r) {
  cluster::volume_info info;
  auto& v = info.volume;
  v.id = str(r.getId());
  v.name = str(r.getName());
  if (!cluster::parse_volume_type(str(r.getType()), v.type))
    throw decode_error("volume " + v.name + ": unknown type \""
                       + str(r.getType()) + "\"");
  if (!cluster::parse_volume_status(str(r.getStatus()), v.status))
    throw decode_error("volume " + v.name + ": unknown status \""
                       + str(r.getStatus()) + "\"");
  v.replica_count = r.getReplicaCount();
  v.arbiter_count = r.getArbiterCount();
  v.disperse_count = r.getDisperseCount();
  v.redundancy_count = r.getRedundancyCount();
  v.transport = str(r.getTransport());
  v.volfile_version = r.getVolfileVersion();
  for (auto br : r.getBricks()) {
    cluster::brick b;
    b.index = br.getIndex();
    b.host = str(br.getHost());
    b.path = str(br.getPath());
    b.peer_uuid = str(br.getPeerUuid());
    b.arbiter = br.getArbiter();
    b.decommissioned = br.getDecommissioned();
    v.bricks.push_back(std::move(b));
    info.observed.push_back({br.getOnline(), br.getPort(), br.getPid()});
  }
  for (auto o : r.getOptions())
    v.options[str(o.getKey())] = str(o.getValue());
  v.remove_brick_task = str(r.getRemoveBrickTask());
  return info;
}

void to_capnp(const cluster::option_value& o, schema::OptionValue::Builder b) {
  b.setKey(o.key);
  b.setValue(o.value);
  b.setDefaultValue(o.default_value);
  b.setDescription(o.description);
  b.setIsSet(o.is_set);
}

cluster::option_value from_capnp(schema::OptionValue::Reader r) {
  cluster::option_value o;
  o.key = str(r.getKey());
  o.value = str(r.getValue());
  o.default_value = str(r.getDefaultValue());
  o.description = str(r.getDescription());
  o.is_set = r.getIsSet();
  return o;
}

void to_capnp(const cluster::change_done& d,
              schema::ClusterChangeDone::Builder b) {
  b.setMessage(d.message);
  b.setRevision(d.revision);
  b.setHasVolume(d.volume.has_value());
  if (d.volume)
    to_capnp(*d.volume, b.initVolume());
}

cluster::change_done from_capnp(schema::ClusterChangeDone::Reader r) {
  cluster::change_done d;
  d.message = str(r.getMessage());
  d.revision = r.getRevision();
  if (r.getHasVolume())
    d.volume = from_capnp(r.getVolume());
  return d;
}

void to_capnp(const cluster::volfile& f, schema::Volfile::Builder b) {
  b.setName(f.name);
  b.setVersion(f.version);
  b.setText(f.text);
}

cluster::volfile from_capnp(schema::Volfile::Reader r) {
  return {str(r.getName()), r.getVersion(), str(r.getText())};
}

} // namespace gd::proto
