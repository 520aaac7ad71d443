#include "actors/rpc/inspected_stream.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <capnp/rpc.capnp.h>
#include <capnp/serialize.h>

namespace gd::rpc {

namespace {

/// The first line of a KJ exception's description, at most 300 characters.
std::string short_description(const kj::Exception& e) {
  std::string d = e.getDescription().cStr();
  if (auto nl = d.find('\n'); nl != std::string::npos)
    d.resize(nl);
  if (d.size() > 300)
    d = d.substr(0, 300) + "...";
  return d;
}

bool contains(const std::string& s, const char* what) {
  return s.find(what) != std::string::npos;
}

} // namespace

const char* to_string(bad_input k) {
  switch (k) {
    case bad_input::garbage:
      return "garbage bytes";
    case bad_input::oversize:
      return "oversize message";
    case bad_input::truncated:
      return "truncated message";
    case bad_input::protocol:
      return "RPC protocol violation";
    case bad_input::unknown_method:
      return "call of an unknown interface or method";
  }
  return "bad input";
}

inspected_stream::inspected_stream(kj::AsyncIoStream& stream, report_fn report)
  : inner_(stream), report_(std::move(report)) {
  // nop
}

kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>>
inspected_stream::tryReadMessage(kj::ArrayPtr<kj::AutoCloseFd> fd_space,
                                 capnp::ReaderOptions options,
                                 kj::ArrayPtr<capnp::word> scratch) {
  return inner_.tryReadMessage(fd_space, options, scratch)
    .catch_([this](kj::Exception&& e)
              -> kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>> {
      auto d = short_description(e);
      if (e.getType() == kj::Exception::Type::DISCONNECTED) {
        // A reset is a peer going away, not bad input; a close in the
        // middle of a message is a truncated message.
        if (contains(d, "remature EOF") || contains(d, "prematurely"))
          tell(bad_input::truncated, d);
      } else if (contains(d, "too large") || contains(d, "too many segments")
                 || contains(d, "exceeds")) {
        tell(bad_input::oversize, d);
      } else {
        tell(bad_input::garbage, d);
      }
      return kj::mv(e);
    });
}

void inspected_stream::inspect_outgoing(
  kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments) {
  // why: our own, well-formed messages; only the root's union tag and the
  // exception are read (no copy).
  try {
    capnp::SegmentArrayMessageReader reader(segments);
    auto m = reader.getRoot<capnp::rpc::Message>();
    if (m.isAbort()) {
      // why: the RPC system also says goodbye with an Abort when the peer
      // simply went away (type DISCONNECTED); only other aborts blame it.
      auto ex = m.getAbort();
      if (ex.getType() != capnp::rpc::Exception::Type::DISCONNECTED)
        tell(bad_input::protocol, ex.getReason().cStr());
    } else if (m.isReturn() && m.getReturn().isException()) {
      auto ex = m.getReturn().getException();
      if (ex.getType() == capnp::rpc::Exception::Type::UNIMPLEMENTED)
        tell(bad_input::unknown_method, ex.getReason().cStr());
    }
  } catch (const kj::Exception&) {
    // Not an RPC message we can read: nothing to say about the peer.
  }
}

kj::Promise<void> inspected_stream::writeMessage(
  kj::ArrayPtr<const int> fds,
  kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments) {
  inspect_outgoing(segments);
  return inner_.writeMessage(fds, segments);
}

kj::Promise<void> inspected_stream::writeMessages(
  kj::ArrayPtr<kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>>> messages) {
  for (auto m : messages)
    inspect_outgoing(m);
  return inner_.writeMessages(messages);
}

kj::Maybe<int> inspected_stream::getSendBufferSize() {
  return inner_.getSendBufferSize();
}

kj::Promise<void> inspected_stream::end() {
  return inner_.end();
}

std::string peer_address(kj::AsyncIoStream& stream) {
  sockaddr_storage ss{};
  uint len = sizeof(ss);
  try {
    stream.getpeername(reinterpret_cast<sockaddr*>(&ss), &len);
  } catch (const kj::Exception&) {
    return "unknown peer";
  }
  char host[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    ::inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
    return std::string(host) + ":" + std::to_string(ntohs(a->sin_port));
  }
  if (ss.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    ::inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(a->sin6_port));
  }
  return "unknown peer";
}

} // namespace gd::rpc
