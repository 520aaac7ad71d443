#pragma once

// What GlusterFS processes ask of their glusterd, answered from the node
// agent's copy of the model: volfiles by volfile id (GETSPEC), the port of
// a brick (PORTBYBRICK) and the brick at a port (BRICKBYPORT), brick
// sign-in and sign-out, and "tell me when this volfile changes" (the
// FETCHSPEC push). Two doors lead here: GlusterFS's own ONC RPC programs on
// the management port (actors/rpc/onc_door) and the Cap'n Proto brick API
// (protocol/brick.capnp); both call this one object. KJ thread only.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gd::node {

class model_mirror;
class brick_supervisor;

/// The answer to a volfile request.
struct volfile_answer {
  /// "" if found; else why not, for the log and the caller.
  std::string error;
  /// errno for ONC RPC callers (ENOENT: no such volfile).
  int error_number = 0;
  std::string text;
  /// The volume and its volfile_version.
  std::string volume;
  std::uint64_t version = 0;
};

class brick_service {
public:
  using notify_fn = std::function<void()>;
  using log_fn = std::function<void(const std::string&)>;

  /// `mirror` must outlive this object; `supervisor` may be null (no brick
  /// supervision) and must outlive it otherwise.
  /// `bind_address`: the address this server's bricks listen on ("" = all),
  /// written into the brick volfiles it serves.
  brick_service(const model_mirror& mirror, brick_supervisor* supervisor,
                std::string bind_address, log_fn log);

  /// The volfile with this id, as glusterd names them: "VOL" or "/VOL"
  /// (client), "VOL.HOST.PATH-WITH-DASHES" (brick), and the file-name forms
  /// "VOL.tcp-fuse" / "trusted-VOL.tcp-fuse" (client). Trusted and plain
  /// client volfiles are the same here (no auth.login credentials in the
  /// graphs). Daemon volfiles glusterd-actor does not generate (shd/,
  /// rebalance/, gfproxy..., snapd/, gluster/...) are refused by name.
  volfile_answer volfile(const std::string& id) const;

  /// The port of brick `path` on this server: the one it signed in with,
  /// else the one the supervisor gave it while it runs.
  std::optional<unsigned> port_of(const std::string& brick) const;
  /// The brick that signed in with `port`.
  std::optional<std::string> brick_at(unsigned port) const;

  /// A brick process signed in on connection `session`; replaces an older
  /// sign-in of the same brick. Refused ("" = taken) for a port outside
  /// 1..65535 or a path that is not absolute.
  std::string sign_in(const std::string& brick, unsigned port,
                      std::int64_t pid, std::uint64_t session);
  void sign_out(const std::string& brick, std::uint64_t session);
  /// The connection closed: its sign-ins end.
  void session_closed(std::uint64_t session);

  /// Calls `notify` whenever the volfile `id` changes (until unwatch).
  std::uint64_t watch(const std::string& id, notify_fn notify);
  void unwatch(std::uint64_t watch_id);

  /// The model copy changed: watchers of volfiles that differ now are told.
  void model_changed();

  std::size_t signed_in_count() const { return signins_.size(); }

private:
  struct signin {
    unsigned port = 0;
    std::int64_t pid = 0;
    std::uint64_t session = 0;
  };
  struct watcher {
    std::string id;
    notify_fn notify;
    /// The text last seen ("" = none).
    std::string last;
  };

  const model_mirror& mirror_;
  brick_supervisor* supervisor_;
  std::string bind_address_;
  log_fn log_;
  std::map<std::string, signin> signins_;
  std::map<std::uint64_t, watcher> watchers_;
  std::uint64_t next_watch_ = 1;
};

} // namespace gd::node
