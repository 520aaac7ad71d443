#include "actors/node/brick_agent.hpp"

#include "actors/rpc/cluster_service.hpp"
#include "actors/rpc/peer_pool.hpp"
#include "actors/rpc/rpc_context.hpp"

namespace gd::node {

brick_agent::brick_agent(rpc::rpc_context& ctx, brick_agent_settings settings)
  : ctx_(ctx), roles_(ctx.self.uuid) {
  auto* c = &ctx;
  auto log = [c](const std::string& line) {
    if (c->log)
      c->log(line);
  };
  mirror_ = std::make_unique<model_mirror>(
    ctx.pool, mirror_settings{},
    [c]() { return c->monitors; },
    [this, c]() {
      if (supervisor_)
        supervisor_->poke();
      if (service_)
        service_->model_changed();
      for (const auto& line : roles_.update(mirror_->store().reader().roles()))
        if (c->log)
          c->log("roles: " + line);
    },
    log);
  auto [host, port] = rpc::split_address(ctx.self.address);
  // why: servers sharing one machine (the local cluster, the tests) each
  // bind their bricks to their own address, as glusterd does when it runs
  // with transport.socket.bind-address.
  std::string bind_address;
  if (host != "0.0.0.0" && host != "::" && host != "localhost")
    bind_address = host;
  if (settings.supervise) {
    supervisor_settings s;
    s.uuid = ctx.self.uuid;
    s.host = ctx.self.name;
    s.volfile_host = host;
    s.volfile_port = port;
    s.bind_address = bind_address;
    s.glusterfsd = settings.glusterfsd;
    s.run_dir = settings.data_dir + "/run/bricks";
    s.log_dir = settings.data_dir + "/logs/bricks";
    s.state_file = settings.data_dir + "/brick-ports";
    s.base_port = settings.base_port;
    supervisor_ = std::make_unique<brick_supervisor>(
      ctx.timer, std::move(s), *mirror_,
      [c](cluster::bricks_observed o) {
        return rpc::propose_as_self(*c, std::move(o))
          .then([c](rpc::change_outcome out) {
            if (!out.st.ok() && c->log)
              c->log("bricks: the report to the monitors failed: "
                     + out.st.message);
            return out.st.ok();
          });
      },
      log);
  }
  service_ = std::make_unique<brick_service>(*mirror_, supervisor_.get(),
                                             bind_address, log);
  tasks_.add(mirror_->run());
  if (supervisor_)
    tasks_.add(supervisor_->run());
}

brick_agent::~brick_agent() = default;

} // namespace gd::node
