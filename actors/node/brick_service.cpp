#include "actors/node/brick_service.hpp"

#include <algorithm>
#include <cerrno>

#include "actors/config/cluster_queries.hpp"
#include "actors/config/volgen.hpp"
#include "actors/node/brick_supervisor.hpp"
#include "actors/node/model_mirror.hpp"

namespace gd::node {

namespace {

bool starts_with(const std::string& s, const std::string& p) {
  return s.compare(0, p.size(), p) == 0;
}

/// Daemon volfiles glusterd serves and glusterd-actor does not generate.
const char* const unserved_prefixes[] = {
  "shd/", "rebalance/", "gfproxy-client/", "gfproxyd/", "snapd/",
  "gluster/", "client_per_brick/", "snaps/",
};

} // namespace

brick_service::brick_service(const model_mirror& mirror,
                             brick_supervisor* supervisor,
                             std::string bind_address, log_fn log)
  : mirror_(mirror),
    supervisor_(supervisor),
    bind_address_(std::move(bind_address)),
    log_(std::move(log)) {
  // nop
}

volfile_answer brick_service::volfile(const std::string& requested) const {
  volfile_answer out;
  auto fail = [&](std::string why) {
    out.error = std::move(why);
    out.error_number = ENOENT;
    return out;
  };
  if (requested.empty())
    return fail("an empty volfile id");
  for (const char* p : unserved_prefixes)
    if (starts_with(requested, p))
      return fail("volfile id \"" + requested + "\": the " + std::string(p)
                  + " volfiles are not served by glusterd-actor");
  if (!mirror_.ready())
    return fail("volfile id \"" + requested
                + "\": this daemon has not loaded the cluster's "
                  "configuration from a monitor yet");
  auto id = requested;
  if (id.front() == '/')
    id.erase(0, 1);
  bool file_form = false;
  if (starts_with(id, "trusted-")) {
    id.erase(0, 8);
    file_form = true;
  }
  // The file-name forms: "VOL.tcp-fuse", "trusted-VOL.tcp-fuse".
  auto ends_with = [&id](const std::string& x) {
    return id.size() > x.size()
           && id.compare(id.size() - x.size(), x.size(), x) == 0;
  };
  if (ends_with("-fuse")) {
    id.erase(id.size() - 5);
    file_form = true;
    if (ends_with(".tcp"))
      id.erase(id.size() - 4);
  }
  auto m = mirror_.store().reader();
  // A client volfile: the id is a volume name. The same query serves
  // `glcli volume volfile`, so both give the same text.
  if (auto q = cluster::volfile_query(m, id, "", true); q.st.ok()) {
    out.text = std::move(q.value.text);
    out.volume = q.value.name;
    out.version = q.value.version;
    if (out.text.empty())
      return fail("volume " + out.volume + " has no bricks");
    return out;
  }
  // A brick volfile: "VOL.HOST.PATH"; the volume name has no dots.
  auto dot = id.find('.');
  if (dot != std::string::npos && !file_form)
    if (auto v = m.volume_named(id.substr(0, dot)))
      for (const auto& b : v->bricks)
        if (cluster::brick_volfile_id(*v, b) == id) {
          out.text = cluster::brick_volfile(*v, b, m.cluster_options(),
                                            bind_address_);
          out.volume = v->name;
          out.version = v->volfile_version;
          return out;
        }
  return fail("volfile id \"" + requested + "\" names no volume or brick");
}

std::optional<unsigned> brick_service::port_of(const std::string& brick) const {
  if (auto it = signins_.find(brick); it != signins_.end())
    return it->second.port;
  if (supervisor_)
    return supervisor_->port_of(brick);
  return std::nullopt;
}

std::optional<std::string> brick_service::brick_at(unsigned port) const {
  for (const auto& [path, s] : signins_)
    if (s.port == port)
      return path;
  return std::nullopt;
}

std::string brick_service::sign_in(const std::string& brick, unsigned port,
                                   std::int64_t pid, std::uint64_t session) {
  if (brick.empty() || brick.front() != '/')
    return "brick \"" + brick + "\" is not an absolute path";
  if (port == 0 || port > 65535)
    return "port " + std::to_string(port) + " of brick " + brick
           + " is not a TCP port";
  signins_[brick] = signin{port, pid, session};
  if (supervisor_)
    supervisor_->signed_in(brick, port, pid);
  return "";
}

void brick_service::sign_out(const std::string& brick, std::uint64_t session) {
  auto it = signins_.find(brick);
  if (it == signins_.end() || it->second.session != session)
    return;
  signins_.erase(it);
  if (supervisor_)
    supervisor_->signed_out(brick);
}

void brick_service::session_closed(std::uint64_t session) {
  for (auto it = signins_.begin(); it != signins_.end();) {
    if (it->second.session == session) {
      if (supervisor_)
        supervisor_->signed_out(it->first);
      it = signins_.erase(it);
    } else {
      ++it;
    }
  }
}

std::uint64_t brick_service::watch(const std::string& id, notify_fn notify) {
  auto n = next_watch_++;
  watcher w;
  w.id = id;
  w.notify = std::move(notify);
  w.last = volfile(id).text;
  watchers_.emplace(n, std::move(w));
  return n;
}

void brick_service::unwatch(std::uint64_t watch_id) {
  watchers_.erase(watch_id);
}

void brick_service::model_changed() {
  std::vector<notify_fn> due;
  for (auto& [n, w] : watchers_) {
    auto now = volfile(w.id).text;
    if (now == w.last)
      continue;
    w.last = std::move(now);
    due.push_back(w.notify);
  }
  // why: after the loop: a notification may unwatch.
  for (auto& f : due)
    f();
}

} // namespace gd::node
