#pragma once

// glcli's gluster commands (peer, pool, volume) as plain functions, like
// the kv and monitor ones of commands.hpp. Each gets the words after its
// name as gluster spells them (parsed by cluster_parse.hpp: a bad word is a
// usage error, exit 2), talks to the daemon's Cluster API and prints
// gluster's output or, with --json, one JSON document (shapes in
// cmd/glcli/README.md). Failures (exit 1) print gluster's line plus the
// clause of commands.hpp, e.g. "volume create: v1: failed: <message>
// (nothing changed)". volume stop, volume delete and peer detach ask y/n
// first unless --mode=script; anything but y changes nothing (exit 1).

#include <string>
#include <vector>

#include "cmd/glcli/commands.hpp"

namespace gd::glcli {

using command_words = std::vector<std::string>;

int peer_probe(const global_options& g, const command_words& w, streams& s);
int peer_detach(const global_options& g, const command_words& w, streams& s);
int peer_status(const global_options& g, const command_words& w, streams& s);
int pool_list(const global_options& g, const command_words& w, streams& s);

int volume_create(const global_options& g, const command_words& w,
                  streams& s);
int volume_start(const global_options& g, const command_words& w,
                 streams& s);
int volume_stop(const global_options& g, const command_words& w, streams& s);
int volume_delete(const global_options& g, const command_words& w,
                  streams& s);
int volume_info(const global_options& g, const command_words& w, streams& s);
int volume_list(const global_options& g, const command_words& w, streams& s);
int volume_status(const global_options& g, const command_words& w,
                  streams& s);
int volume_set(const global_options& g, const command_words& w, streams& s);
int volume_get(const global_options& g, const command_words& w, streams& s);
int volume_reset(const global_options& g, const command_words& w,
                 streams& s);
int volume_add_brick(const global_options& g, const command_words& w,
                     streams& s);
int volume_remove_brick(const global_options& g, const command_words& w,
                        streams& s);
int volume_replace_brick(const global_options& g, const command_words& w,
                         streams& s);

/// `volume volfile NAME [--brick HOST:/path | --client]`.
struct volfile_args {
  command_words words;
  std::string brick;
  bool client = false;
};

int volume_volfile(const global_options& g, const volfile_args& a,
                   streams& s);

/// `volume heal NAME info`: per brick, the entries its self-heal index
/// still lists, Status and "Number of entries" as gluster prints them (a
/// brick whose server does not answer: "Transport endpoint is not
/// connected", "-"). Asks each brick's server (Management.healInfo).
int volume_heal(const global_options& g, const command_words& w, streams& s);

/// `roles list [--volume V] [--server S]`.
struct roles_args {
  std::string volume;
  /// Hostname or UUID.
  std::string server;
};

/// Lists the committed role assignments (task, kind, volume, set, holder,
/// epoch, since, state), filtered; --json: {"roles": [...]}. 0, or 1 if
/// the read failed.
int roles_list(const global_options& g, const roles_args& a, streams& s);

} // namespace gd::glcli
