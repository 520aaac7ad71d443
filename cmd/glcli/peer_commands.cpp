// peer probe, peer detach, peer status, pool list (see cluster_commands.hpp).

#include "cmd/glcli/cluster_commands.hpp"

#include <ostream>

#include "cmd/glcli/cluster_parse.hpp"
#include "cmd/glcli/command_support.hpp"
#include "cmd/glcli/peer_output.hpp"
#include "cmd/glcli/volume_output.hpp"

namespace gd::glcli {

namespace {

constexpr const char* detach_question =
  "All clients mounted through the peer which is getting detached need to "
  "be remounted using one of the other active peers in the trusted storage "
  "pool to ensure client gets notification on any changes done on the "
  "gluster configuration and if the same has been done do you want to "
  "proceed?";

/// Lists the pool and prints it with `text` or `json`.
template <class Text, class Json>
int list_peers(const global_options& g, const command_words& w, streams& s,
               const std::string& cmd, Text text, Json json) {
  try {
    parse_nothing(w);
  } catch (const usage_error& e) {
    return usage(s, cmd, e.what());
  }
  return with_connection(g, s, cmd, false, [&](client::connection& c) {
    auto r = c.peers();
    if (!r.ok())
      return failed(g, s, cmd, r.st, false);
    if (g.json)
      s.out << json(r.value) << "\n";
    else
      s.out << text(r.value);
    return int{exit_ok};
  });
}

} // namespace

int peer_probe(const global_options& g, const command_words& w, streams& s) {
  const std::string cmd = "peer probe";
  std::string host;
  try {
    host = parse_peer_probe(w);
  } catch (const usage_error& e) {
    return usage(s, cmd, e.what());
  }
  return with_connection(g, s, cmd, true, [&](client::connection& c) {
    auto r = c.peer_probe(host);
    if (!r.ok())
      return failed(g, s, cmd, r.st, true);
    if (g.json)
      s.out << change_json("hostname", host, r.value) << "\n";
    else
      s.out << cmd << ": success"
            << (r.value.message.empty() ? "" : ". " + r.value.message)
            << "\n";
    return int{exit_ok};
  });
}

int peer_detach(const global_options& g, const command_words& w, streams& s) {
  const std::string cmd = "peer detach";
  cluster::peer_remove req;
  try {
    req = parse_peer_detach(w);
  } catch (const usage_error& e) {
    return usage(s, cmd, e.what());
  }
  if (!confirmed(g, s, detach_question))
    return not_confirmed(g, s, cmd);
  return with_connection(g, s, cmd, true, [&](client::connection& c) {
    auto r = c.peer_detach(req.host, req.force);
    if (!r.ok())
      return failed(g, s, cmd, r.st, true);
    if (g.json)
      s.out << change_json("hostname", req.host, r.value) << "\n";
    else
      s.out << cmd << ": success"
            << (r.value.message.empty() ? "" : ". " + r.value.message)
            << "\n";
    return int{exit_ok};
  });
}

int peer_status(const global_options& g, const command_words& w, streams& s) {
  return list_peers(g, w, s, "peer status", peer_status_text,
                    peer_status_json);
}

int pool_list(const global_options& g, const command_words& w, streams& s) {
  return list_peers(g, w, s, "pool list", pool_list_text, pool_list_json);
}

} // namespace gd::glcli
