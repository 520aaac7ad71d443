#include "actors/rpc/brick_api_service.hpp"

#include <kj/debug.h>

#include "actors/node/brick_agent.hpp"
#include "actors/rpc/service_support.hpp"

namespace gd::rpc {

namespace schema = proto::schema;

namespace {

constexpr const char* no_agent = "this daemon runs no brick service";

/// Ends a volfile watch when dropped.
class volfile_watch final : public schema::VolfileWatch::Server {
public:
  volfile_watch(std::shared_ptr<node::brick_agent> agent, std::uint64_t id)
    : agent_(std::move(agent)), id_(id) {
    // nop
  }
  ~volfile_watch() { end(); }

protected:
  kj::Promise<void> cancel(CancelContext) override {
    end();
    return kj::READY_NOW;
  }

private:
  void end() {
    if (auto a = agent_.lock())
      a->service().unwatch(id_);
    agent_.reset();
  }
  // why weak: the agent goes at daemon stop, before capabilities clients
  // still hold.
  std::weak_ptr<node::brick_agent> agent_;
  std::uint64_t id_;
};

/// Signs the brick out when dropped.
class registration final : public schema::BrickRegistration::Server {
public:
  registration(std::shared_ptr<node::brick_agent> agent, std::string brick,
               std::uint64_t session)
    : agent_(std::move(agent)), brick_(std::move(brick)), session_(session) {
    // nop
  }
  ~registration() { end(); }

protected:
  kj::Promise<void> signOut(SignOutContext) override {
    end();
    return kj::READY_NOW;
  }

private:
  void end() {
    if (auto a = agent_.lock())
      a->service().sign_out(brick_, session_);
    agent_.reset();
  }
  std::weak_ptr<node::brick_agent> agent_;
  std::string brick_;
  std::uint64_t session_;
};

class brick_api final : public schema::BrickApi::Server {
public:
  brick_api(rpc_context& ctx, std::string peer)
    : ctx_(ctx), peer_(std::move(peer)) {
    // nop
  }

protected:
  kj::Promise<void> getVolfile(GetVolfileContext c) override {
    auto res = c.getResults();
    if (!ctx_.bricks) {
      res.setError(no_agent);
      return kj::READY_NOW;
    }
    auto a = ctx_.bricks->service().volfile(text(c.getParams().getId()));
    if (!a.error.empty()) {
      res.setError(a.error);
      return kj::READY_NOW;
    }
    res.setText(a.text);
    res.setVolume(a.volume);
    res.setVersion(a.version);
    return kj::READY_NOW;
  }

  kj::Promise<void> watchVolfile(WatchVolfileContext c) override {
    auto p = c.getParams();
    auto res = c.getResults();
    if (!ctx_.bricks) {
      res.setError(no_agent);
      return kj::READY_NOW;
    }
    auto id = text(p.getId());
    auto& service = ctx_.bricks->service();
    auto first = service.volfile(id);
    if (!first.error.empty()) {
      res.setError(first.error);
      return kj::READY_NOW;
    }
    auto watcher =
      std::make_shared<schema::VolfileWatcher::Client>(p.getWatcher());
    auto* agent = ctx_.bricks.get();
    auto n = service.watch(id, [watcher, id, agent]() {
      auto r = watcher->changedRequest();
      r.setId(id);
      r.setVersion(agent->service().volfile(id).version);
      // why: fire and forget; a watcher that is gone just misses it.
      agent->add_task(r.send().ignoreResult().catch_([](kj::Exception&&) {}));
    });
    res.setWatch(kj::heap<volfile_watch>(ctx_.bricks, n));
    return kj::READY_NOW;
  }

  kj::Promise<void> portOf(PortOfContext c) override {
    auto p = c.getParams();
    auto res = c.getResults();
    if (!ctx_.bricks) {
      res.setError(no_agent);
      return kj::READY_NOW;
    }
    auto volume = text(p.getVolume());
    auto brick = text(p.getBrick());
    auto port = ctx_.bricks->service().port_of(brick);
    if (!port) {
      res.setError("brick " + brick + " of volume " + volume
                   + " does not run on this server");
      return kj::READY_NOW;
    }
    res.setPort(*port);
    return kj::READY_NOW;
  }

  kj::Promise<void> signIn(SignInContext c) override {
    auto p = c.getParams();
    auto res = c.getResults();
    if (!ctx_.bricks) {
      res.setError(no_agent);
      return kj::READY_NOW;
    }
    static std::uint64_t next_session = std::uint64_t{1} << 62;
    auto session = next_session++;
    auto brick = text(p.getBrick());
    auto err = ctx_.bricks->service().sign_in(brick, p.getPort(), p.getPid(),
                                              session);
    if (!err.empty()) {
      if (ctx_.log)
        ctx_.log("brick sign-in from " + peer_ + " refused: " + err);
      res.setError(err);
      return kj::READY_NOW;
    }
    res.setRegistration(kj::heap<registration>(ctx_.bricks, brick, session));
    return kj::READY_NOW;
  }

private:
  rpc_context& ctx_;
  std::string peer_;
};

} // namespace

schema::BrickApi::Client make_brick_api(rpc_context& ctx, std::string peer) {
  return kj::heap<brick_api>(ctx, std::move(peer));
}

} // namespace gd::rpc
