#include "actors/membership/admission.hpp"

namespace gd::membership {

void admission_board::publish(std::shared_ptr<const admission_view> v) {
  std::lock_guard<std::mutex> g(mu_);
  view_ = std::move(v);
}

std::shared_ptr<const admission_view> admission_board::current() const {
  std::lock_guard<std::mutex> g(mu_);
  return view_;
}

namespace {

/// The MAC, target and replay checks every proof passes, in that order: the
/// replay guard remembers a stamp only once the proof is known genuine, so a
/// forger cannot push a server's stamps ahead of it.
refusal check_proof(const key& k, replay_guard& guard, purpose p,
                    const proof& pr, const std::string& my_address,
                    std::int64_t now_us) {
  if (!mac_matches(k, p, pr))
    return {"the credential of " + pr.who
              + " does not hold (wrong or revoked key, or altered message)",
            "bad-proof"};
  if (pr.target != my_address)
    return {"the proof was made for " + pr.target + ", not for this daemon ("
              + my_address + ")",
            "wrong-target"};
  if (auto why = guard.accept(p, pr.who, pr.stamp_us, now_us); !why.empty())
    return {why, "replay"};
  return {};
}

/// An admitted server's proof for `p`: the view is loaded, `pr.who` is in
/// the pool, and its proof holds (check_proof).
refusal check_server_proof(const admission_view& view, replay_guard& guard,
                           purpose p, const proof& pr,
                           const std::string& my_address, std::int64_t now_us) {
  if (!view.ready)
    return {not_ready_message, "not-ready"};
  const auto* who = view.find(pr.who);
  if (!who)
    return {"server " + pr.who
              + " is not a member of this cluster (never admitted, or "
                "detached: probe it again from a member)",
            "unknown"};
  return check_proof(who->credential, guard, p, pr, my_address, now_us);
}

} // namespace

refusal check_checkin(const admission_view& view, replay_guard& guard,
                      const proof& pr, std::uint32_t interval_ms,
                      const std::string& my_address, std::int64_t now_us) {
  if (auto r = check_server_proof(view, guard, purpose::check_in, pr,
                                  my_address, now_us);
      !r.ok())
    return r;
  if (interval_ms == 0 || 2 * static_cast<millis>(interval_ms) > view.lease)
    return {"check-in interval " + std::to_string(interval_ms)
              + " ms is not allowed with a lease of "
              + std::to_string(view.lease)
              + " ms (at most half the lease; see --checkin-interval)",
            "interval"};
  return {};
}

refusal check_server_session(const admission_view& view, replay_guard& guard,
                             const proof& pr, const std::string& my_address,
                             std::int64_t now_us) {
  return check_server_proof(view, guard, purpose::forward, pr, my_address,
                            now_us);
}

refusal check_monitor_proof(const key& monitor_key, replay_guard& guard,
                            purpose p, const proof& pr,
                            const std::string& my_address,
                            std::int64_t now_us) {
  return check_proof(monitor_key, guard, p, pr, my_address, now_us);
}

} // namespace gd::membership
