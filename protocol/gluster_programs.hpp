#pragma once

// The ONC RPC programs GlusterFS 10.x processes (glusterfsd bricks, the FUSE
// client, libgfapi) call on glusterd's port 24007, with the XDR messages they
// carry: numbers from gluster's protocol-common.h and xdr-common.h, layouts
// from rpc-common-xdr.x, portmap-xdr.x and glusterfs4-xdr.x.
//
// Decoders refuse anything out of bounds (strings and opaques at most
// max_field_bytes) but ignore bytes after a complete struct, as gluster's
// xdr_to_generic does. Volfile text is only ever encoded, so it is unbounded.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gd::onc {

/// The largest string or opaque a decoder accepts.
inline constexpr std::size_t max_field_bytes = 64 * 1024;

/// GF-DUMP: lists a server's programs; also a ping.
namespace dump {
inline constexpr std::uint32_t program = 123451501;
inline constexpr std::uint32_t version = 1;
inline constexpr std::uint32_t proc_null = 0;
inline constexpr std::uint32_t proc_dump = 1;
inline constexpr std::uint32_t proc_ping = 2;
inline constexpr const char* name = "GF-DUMP";
} // namespace dump

/// Gluster Handshake: volfile fetch and friends.
namespace hndsk {
inline constexpr std::uint32_t program = 14398633;
inline constexpr std::uint32_t version = 2;
inline constexpr std::uint32_t proc_null = 0;
inline constexpr std::uint32_t proc_getspec = 2;
inline constexpr std::uint32_t proc_ping = 3;
inline constexpr std::uint32_t proc_event_notify = 5;
inline constexpr std::uint32_t proc_get_volume_info = 6;
inline constexpr const char* name = "Gluster Handshake";
/// gf_getspec_req.flags bit: put "servers-list" in the reply's xdata.
inline constexpr std::uint32_t getspec_flag_servers_list = 1;
} // namespace hndsk

/// Gluster Portmap: bricks sign in with their port; clients look it up.
namespace pmap {
inline constexpr std::uint32_t program = 34123456;
inline constexpr std::uint32_t version = 1;
inline constexpr std::uint32_t proc_null = 0;
inline constexpr std::uint32_t proc_portbybrick = 1;
inline constexpr std::uint32_t proc_brickbyport = 2;
inline constexpr std::uint32_t proc_signin = 4;
inline constexpr std::uint32_t proc_signout = 5;
inline constexpr const char* name = "Gluster Portmap";
} // namespace pmap

/// GlusterFS Callback: served by the clients; glusterd calls it.
namespace cbk {
inline constexpr std::uint32_t program = 52743234;
inline constexpr std::uint32_t version = 1;
/// No arguments: "your volfile changed, fetch it again".
inline constexpr std::uint32_t proc_fetchspec = 1;
inline constexpr const char* name = "GlusterFS Callback";
} // namespace cbk

// -- handshake ----------------------------------------------------------------

struct gf_getspec_req {
  std::uint32_t flags = 0;
  /// The volfile id, e.g. "gv0.host1.data-brick1" for a brick.
  std::string key;
  /// A serialized gluster dict (decode_gluster_dict), or empty. glusterfsd
  /// sends "min-op-version", "max-op-version" and, for bricks, "brick_name".
  std::string xdata;

  static gf_getspec_req decode(const std::string& args);
  std::string encode() const;
};

/// Encode-only: the volfile is ours, never a peer's.
struct gf_getspec_rsp {
  /// On success the length of `spec`: glusterfsd writes op_ret bytes of spec
  /// out as its volfile. -1 on failure, with op_errno.
  std::int32_t op_ret = 0;
  std::int32_t op_errno = 0;
  std::string spec;
  std::string xdata;

  /// A success reply carrying `spec`, with op_ret set to its length.
  static gf_getspec_rsp found(std::string spec, std::string xdata = {});
  /// Throws std::invalid_argument if op_ret >= 0 and differs from
  /// spec.size().
  std::string encode() const;
};

struct gf_event_notify_req {
  std::int32_t op = 0;
  /// A serialized gluster dict, or empty.
  std::string dict;

  static gf_event_notify_req decode(const std::string& args);
  std::string encode() const;
};

struct gf_event_notify_rsp {
  std::int32_t op_ret = 0;
  std::int32_t op_errno = 0;
  std::string dict;

  static gf_event_notify_rsp decode(const std::string& results);
  std::string encode() const;
};

/// The reply to pings (DUMP and HNDSK) and to several other procedures.
struct gf_common_rsp {
  std::int32_t op_ret = 0;
  std::int32_t op_errno = 0;
  std::string xdata;

  static gf_common_rsp decode(const std::string& results);
  std::string encode() const;
};

// -- dump ---------------------------------------------------------------------

struct gf_dump_req {
  std::uint64_t gfs_id = 0;

  static gf_dump_req decode(const std::string& args);
  std::string encode() const;
};

struct gf_prog_detail {
  std::string progname;
  std::uint64_t prognum = 0;
  std::uint64_t progver = 0;

  bool operator==(const gf_prog_detail& o) const {
    return progname == o.progname && prognum == o.prognum
           && progver == o.progver;
  }
};

struct gf_dump_rsp {
  /// Echoes the request's gfs_id.
  std::uint64_t gfs_id = 0;
  std::int32_t op_ret = 0;
  std::int32_t op_errno = 0;
  /// On the wire an XDR linked list: TRUE before each element, FALSE after
  /// the last.
  std::vector<gf_prog_detail> progs;

  /// The most programs decode accepts.
  static constexpr std::size_t max_progs = 1024;

  static gf_dump_rsp decode(const std::string& results);
  std::string encode() const;
};

// -- portmap ------------------------------------------------------------------

struct pmap_port_by_brick_req {
  std::string brick;

  static pmap_port_by_brick_req decode(const std::string& args);
  std::string encode() const;
};

struct pmap_port_by_brick_rsp {
  std::int32_t op_ret = 0;
  std::int32_t op_errno = 0;
  std::int32_t status = 0;
  std::int32_t port = 0;

  static pmap_port_by_brick_rsp decode(const std::string& results);
  std::string encode() const;
};

struct pmap_brick_by_port_req {
  std::int32_t port = 0;

  static pmap_brick_by_port_req decode(const std::string& args);
  std::string encode() const;
};

struct pmap_brick_by_port_rsp {
  std::int32_t op_ret = 0;
  std::int32_t op_errno = 0;
  std::int32_t status = 0;
  std::string brick;

  static pmap_brick_by_port_rsp decode(const std::string& results);
  std::string encode() const;
};

struct pmap_signin_req {
  std::string brick;
  std::int32_t port = 0;
  std::int32_t pid = 0;

  static pmap_signin_req decode(const std::string& args);
  std::string encode() const;
};

struct pmap_signin_rsp {
  std::int32_t op_ret = 0;
  std::int32_t op_errno = 0;

  static pmap_signin_rsp decode(const std::string& results);
  std::string encode() const;
};

struct pmap_signout_req {
  std::string brick;
  std::int32_t port = 0;
  std::int32_t rdma_port = 0;

  static pmap_signout_req decode(const std::string& args);
  std::string encode() const;
};

struct pmap_signout_rsp {
  std::int32_t op_ret = 0;
  std::int32_t op_errno = 0;

  static pmap_signout_rsp decode(const std::string& results);
  std::string encode() const;
};

// -- gluster dicts ------------------------------------------------------------

/// Decodes a dict serialized by gluster's dict_serialize: a big-endian entry
/// count, then per entry the key length, the value length, the key, a NUL,
/// and the value. Gluster's string values carry a trailing NUL inside their
/// length; one trailing NUL is stripped from each value. An empty input is
/// an empty dict. Throws xdr::decode_error on a truncated entry, a key or
/// value over max_field_bytes, a missing key terminator, a NUL inside a key,
/// or a repeated key. Bytes after the last entry are ignored, as gluster's
/// dict_unserialize ignores them.
std::map<std::string, std::string> decode_gluster_dict(
  const std::string& bytes);

/// Serializes `dict` the way gluster's dict_serialize does, each value as a
/// string value (with a trailing NUL counted in its length). An empty map
/// gives a 4-byte zero count. Throws std::invalid_argument for a key with a
/// NUL byte or an entry decode_gluster_dict would refuse as too long.
std::string encode_gluster_dict(const std::map<std::string, std::string>& dict);

} // namespace gd::onc
