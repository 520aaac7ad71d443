#pragma once

// The brick half of the node agent, as one daemon runs it: the copy of the
// model (model_mirror), the glusterfsd supervision (brick_supervisor) and
// the service both management-port doors call (brick_service), wired to
// this daemon's RPC context. KJ thread only.

#include <memory>
#include <string>

#include <kj/async.h>

#include "actors/node/brick_service.hpp"
#include "actors/node/brick_supervisor.hpp"
#include "actors/node/model_mirror.hpp"
#include "actors/node/role_keeper.hpp"

namespace gd::rpc {
struct rpc_context;
}

namespace gd::node {

struct brick_agent_settings {
  /// Supervise glusterfsd bricks (else only volfiles and the portmap are
  /// served).
  bool supervise = true;
  std::string glusterfsd = "/usr/sbin/glusterfsd";
  /// Under the data dir: run/bricks (pid files, sockets), logs/bricks,
  /// brick-ports.
  std::string data_dir;
  unsigned base_port = 49152;
};

class brick_agent {
public:
  /// `ctx` must outlive this object. Starts copying the model and, if
  /// supervising, reconciling bricks.
  brick_agent(rpc::rpc_context& ctx, brick_agent_settings settings);
  ~brick_agent();

  brick_service& service() { return *service_; }
  model_mirror& mirror() { return *mirror_; }
  brick_supervisor* supervisor() { return supervisor_.get(); }
  const role_keeper& roles() const { return roles_; }
  /// Runs `p` until it ends or this agent goes (failures are ignored).
  void add_task(kj::Promise<void> p) { tasks_.add(kj::mv(p)); }

private:
  struct quiet : kj::TaskSet::ErrorHandler {
    void taskFailed(kj::Exception&&) override {
      // nop: the loops never reject
    }
  };
  rpc::rpc_context& ctx_;
  std::unique_ptr<model_mirror> mirror_;
  std::unique_ptr<brick_supervisor> supervisor_;
  std::unique_ptr<brick_service> service_;
  role_keeper roles_;
  quiet quiet_;
  kj::TaskSet tasks_{quiet_};
};

} // namespace gd::node
