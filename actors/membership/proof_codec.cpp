#include "actors/membership/proof_codec.hpp"

#include <algorithm>

namespace gd::membership {

void to_capnp(const proof& p, proto::schema::Proof::Builder b) {
  b.setWho(p.who);
  b.setStampUs(p.stamp_us);
  b.setTarget(p.target);
  b.setMac(kj::arrayPtr(p.mac.data(), p.mac.size()));
}

proof from_capnp(proto::schema::Proof::Reader r) {
  proof p;
  auto who = r.getWho();
  p.who.assign(who.cStr(), who.size());
  p.stamp_us = r.getStampUs();
  auto target = r.getTarget();
  p.target.assign(target.cStr(), target.size());
  auto mac = r.getMac();
  if (mac.size() == p.mac.size())
    std::copy(mac.begin(), mac.end(), p.mac.begin());
  return p;
}

} // namespace gd::membership
