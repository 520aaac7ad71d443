#include "cmd/glcli/peer_output.hpp"

#include <algorithm>
#include <sstream>

#include "cmd/glcli/json.hpp"

namespace gd::glcli {

namespace {

/// gluster's friend state of a pool member (GD_FRIEND_STATE_BEFRIENDED).
constexpr int befriended_state = 3;
constexpr const char* befriended_text = "Peer in Cluster";

std::vector<const cluster::peer_info*>
others(const std::vector<cluster::peer_info>& peers) {
  std::vector<const cluster::peer_info*> out;
  for (const auto& p : peers)
    if (!p.self)
      out.push_back(&p);
  return out;
}

/// The pool as `pool list` shows it: the others, then self.
std::vector<const cluster::peer_info*>
pool_order(const std::vector<cluster::peer_info>& peers) {
  auto out = others(peers);
  for (const auto& p : peers)
    if (p.self)
      out.push_back(&p);
  return out;
}

std::string shown_hostname(const cluster::peer_info& p) {
  return p.self ? std::string("localhost") : p.peer.hostname;
}

bool connected(const cluster::peer_info& p) {
  // The daemon asked answered, so it is connected by definition.
  return p.connected || p.self;
}

void write_peer(json_writer& w, const cluster::peer_info& p, bool with_self) {
  w.begin_object();
  w.field("uuid", p.peer.uuid);
  w.field("hostname", shown_hostname(p));
  w.key("addresses").begin_array();
  for (const auto& a : p.peer.addresses)
    w.value(a);
  w.end_array();
  w.field("connected", connected(p));
  w.field("state", befriended_state);
  w.field("stateStr", befriended_text);
  w.field("monitor", p.peer.monitor);
  w.field("zone", p.peer.zone);
  // Check-in membership: milliseconds since its last check-in and the
  // monitor that took it, as the answering monitor knows them (null: none
  // seen since that monitor started).
  if (p.last_check_in_ms >= 0)
    w.field("lastCheckInMs", p.last_check_in_ms);
  else
    w.key("lastCheckInMs").null();
  w.field("checkInMonitor", p.check_in_monitor);
  if (with_self)
    w.field("self", p.self);
  w.end_object();
}

} // namespace

std::string peer_status_text(const std::vector<cluster::peer_info>& peers) {
  auto list = others(peers);
  std::ostringstream out;
  out << "Number of Peers: " << list.size() << "\n";
  for (const auto* p : list)
    out << "\nHostname: " << p->peer.hostname << "\nUuid: " << p->peer.uuid
        << "\nState: " << befriended_text << " ("
        << (connected(*p) ? "Connected" : "Disconnected") << ")\n";
  return out.str();
}

std::string peer_status_json(const std::vector<cluster::peer_info>& peers) {
  json_writer w;
  w.begin_object().key("peer").begin_array();
  for (const auto* p : others(peers))
    write_peer(w, *p, false);
  w.end_array().end_object();
  return w.str();
}

std::string pool_list_text(const std::vector<cluster::peer_info>& peers) {
  auto list = pool_order(peers);
  // why: gluster pads the Hostname column to the longest name, at least 8.
  std::size_t width = 8;
  for (const auto* p : list)
    width = std::max(width, shown_hostname(*p).size());
  auto padded = [width](const std::string& s) {
    return s + std::string(width - std::min(width, s.size()), ' ');
  };
  std::ostringstream out;
  out << "UUID\t\t\t\t\t" << padded("Hostname") << "\tState\n";
  for (const auto* p : list)
    out << p->peer.uuid << "\t" << padded(shown_hostname(*p)) << "\t"
        << (connected(*p) ? "Connected" : "Disconnected") << "\n";
  return out.str();
}

std::string pool_list_json(const std::vector<cluster::peer_info>& peers) {
  json_writer w;
  w.begin_object().key("peer").begin_array();
  for (const auto* p : pool_order(peers))
    write_peer(w, *p, true);
  w.end_array().end_object();
  return w.str();
}

} // namespace gd::glcli
