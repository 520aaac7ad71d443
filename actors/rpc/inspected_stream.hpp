#pragma once

// The message stream under every accepted Cap'n Proto connection: it passes
// messages through unchanged and tells the daemon what was wrong with the
// bytes a peer sent, so bad input is logged and counted instead of vanishing
// in a silent disconnect.

#include <functional>
#include <string>

#include <capnp/serialize-async.h>
#include <kj/async-io.h>

namespace gd::rpc {

/// What a peer did wrong on one connection.
enum class bad_input {
  /// Bytes that are no Cap'n Proto message (a bad segment table, ...).
  garbage,
  /// A message over the size limit.
  oversize,
  /// The peer closed in the middle of a message.
  truncated,
  /// Well-framed messages that break the RPC protocol (the RPC system
  /// aborts the connection).
  protocol,
  /// A call to an interface or method this daemon does not serve (a client
  /// of another schema or version); the connection stays up.
  unknown_method,
};

const char* to_string(bad_input k);

class inspected_stream final : public capnp::MessageStream {
public:
  /// Called on the KJ thread with the kind and the library's description.
  using report_fn = std::function<void(bad_input, const std::string&)>;

  /// `stream` must outlive this object. `report` may be null (set it
  /// before the first message with set_report).
  inspected_stream(kj::AsyncIoStream& stream, report_fn report);

  void set_report(report_fn report) { report_ = std::move(report); }

  kj::Promise<kj::Maybe<capnp::MessageReaderAndFds>>
  tryReadMessage(kj::ArrayPtr<kj::AutoCloseFd> fd_space,
                 capnp::ReaderOptions options,
                 kj::ArrayPtr<capnp::word> scratch) override;
  kj::Promise<void>
  writeMessage(kj::ArrayPtr<const int> fds,
               kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> segments)
    override;
  kj::Promise<void> writeMessages(
    kj::ArrayPtr<kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>>> messages)
    override;
  kj::Maybe<int> getSendBufferSize() override;
  kj::Promise<void> end() override;

private:
  /// Looks at an outgoing message for what it says about the peer's input.
  void inspect_outgoing(kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>> m);
  void tell(bad_input kind, const std::string& what) {
    if (report_)
      report_(kind, what);
  }

  capnp::AsyncIoMessageStream inner_;
  report_fn report_;
};

/// "HOST:PORT" of the peer of a socket stream, or "unknown peer".
std::string peer_address(kj::AsyncIoStream& stream);

} // namespace gd::rpc
