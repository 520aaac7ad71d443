#pragma once

// Thin RAII wrappers over the LMDB C API: environment, read and write
// transactions, databases (DBIs) and cursors. No CAF.
//
// Every failing MDB_* call throws store_error. Its text says what was being
// done, names the store and its directory, and quotes mdb_strerror(), e.g.
// "raft log /var/gd/raft: putting a key into 'entries' failed: MDB_BAD_TXN:
// Transaction must abort, has a child, or is invalid". MDB_MAP_FULL maps to
// store_errc::map_full. Nothing here ever aborts the process.
//
// Threading (LMDB's rules, see lmdb.h): environments are always opened with
// MDB_NOTLS, so a read transaction may move between threads (actors migrate
// between workers) but is used by one thread at a time. A write transaction
// must begin and end on the same thread, and only one may be open per
// environment at a time.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <lmdb.h>

#include "store/store_error.hpp"

namespace gd::store::lmdb {

/// How to open an environment.
struct env_options {
  /// The map size in bytes (the most the file may grow to). 0 keeps LMDB's
  /// default of 10 MiB, or the size recorded in an existing file.
  std::size_t map_size = 0;
  /// Named databases the environment may hold.
  unsigned max_dbs = 0;
  /// MDB_* flags for mdb_env_open (MDB_NOSYNC, MDB_RDONLY, ...). MDB_NOTLS is
  /// always added.
  unsigned flags = 0;
};

/// Returns the store_errc for an LMDB or errno return code.
store_errc errc_of(int rc);

/// An LMDB environment: one data.mdb (and lock.mdb) in one directory.
class env {
public:
  /// Opens the environment in the existing directory `path`. `label` names
  /// the store in messages ("raft log", "kv store"). Throws store_error
  /// (bad_layout if the directory does not exist).
  env(std::string label, std::string path, const env_options& opts);
  ~env();
  env(const env&) = delete;
  env& operator=(const env&) = delete;

  MDB_env* get() const noexcept { return env_; }

  /// The directory.
  const std::string& path() const noexcept { return path_; }

  /// "<label> <path>": how messages name this environment.
  std::string name() const { return label_ + " " + path_; }

  /// The map size in bytes.
  std::size_t map_size() const;

  /// Bytes of the map in use (pages up to the last one written).
  std::size_t used_bytes() const;

  /// The id of the last committed write transaction. Each commit that wrote
  /// something adds one.
  std::uint64_t last_txn_id() const;

  /// The longest key the environment accepts, in bytes (511 by default).
  std::size_t max_key_size() const;

  /// Flushes everything committed so far to disk, even with MDB_NOSYNC.
  void sync() const;

  /// Writes a compacted copy of the environment (as of the last commit) as
  /// `dir`/data.mdb and fsyncs the file and `dir`. `dir` must exist and
  /// hold no data.mdb.
  void copy_compact(const std::string& dir) const;

  /// Throws store_error for the return code `rc` of an LMDB call made while
  /// `doing` (e.g. "committing the log"), naming this environment.
  [[noreturn]] void fail(int rc, const std::string& doing) const;

  /// Calls fail(rc, doing) unless rc == 0.
  void check(int rc, const std::string& doing) const {
    if (rc != 0)
      fail(rc, doing);
  }

private:
  std::string label_;
  std::string path_;
  MDB_env* env_ = nullptr;
};

/// A named database of an environment. The handle stays valid for the
/// environment's lifetime once the transaction that opened it committed.
struct dbi {
  MDB_dbi handle = 0;
  /// For messages.
  std::string name;
};

/// A transaction; see read_txn and write_txn. Aborted on destruction unless
/// committed.
class txn {
public:
  txn(const txn&) = delete;
  txn& operator=(const txn&) = delete;
  ~txn();

  MDB_txn* get() const noexcept { return txn_; }
  const lmdb::env& env() const noexcept { return *env_; }

  /// True until committed or aborted.
  bool is_open() const noexcept { return txn_ != nullptr; }

  /// Opens (with MDB_CREATE in a write transaction: creates) the database
  /// `name`. Throws store_error (bad_layout if it does not exist and may not
  /// be created).
  dbi open_dbi(const std::string& name, unsigned flags = 0);

  /// Returns the value of `key`, or nothing. The view is valid until the
  /// next write in this transaction or its end.
  std::optional<std::string_view> get(const dbi& d,
                                      std::string_view key) const;

  /// Returns the number of keys in `d`.
  std::size_t count(const dbi& d) const;

  /// Ends the transaction, discarding its writes. No-op if it ended.
  void abort() noexcept;

protected:
  txn(const lmdb::env& e, unsigned flags);

  /// Throws store_error(precondition) if the transaction has ended.
  void require_open(const char* doing) const;

  const lmdb::env* env_;
  MDB_txn* txn_ = nullptr;
};

/// A read-only snapshot of the environment as of its start.
class read_txn : public txn {
public:
  explicit read_txn(const lmdb::env& e);
};

/// The one write transaction of an environment. Must begin and end on one
/// thread.
class write_txn : public txn {
public:
  explicit write_txn(const lmdb::env& e);

  /// Sets `key` to `value`.
  void put(const dbi& d, std::string_view key, std::string_view value);

  /// Removes `key`; returns false if it was not there.
  bool del(const dbi& d, std::string_view key);

  /// Removes every key of `d`.
  void clear(const dbi& d);

  /// Commits. The transaction has ended afterwards even if this throws (LMDB
  /// frees it either way), and a throw means nothing of it was applied.
  void commit();
};

/// A cursor over one database in one transaction. Must not outlive it.
class cursor {
public:
  cursor(const txn& t, const dbi& d);
  ~cursor();
  cursor(const cursor&) = delete;
  cursor& operator=(const cursor&) = delete;

  /// Moves to the first key >= `key`; false if there is none.
  bool seek(std::string_view key);
  /// Moves to the first key; false if the database is empty.
  bool first();
  /// Moves to the last key; false if the database is empty.
  bool last();
  /// Moves to the next key; false at the end.
  bool next();
  /// Moves to the previous key; false at the start.
  bool prev();

  /// The key and value at the cursor (after a move that returned true).
  /// Valid until the next write or the end of the transaction.
  std::string_view key() const;
  std::string_view value() const;

  /// Deletes the entry at the cursor (write transactions only). The cursor
  /// then stands just before the entry that followed, so next() moves to it.
  void del();

private:
  bool move(MDB_cursor_op op, std::string_view key, const char* doing);

  const txn* txn_;
  dbi dbi_;
  MDB_cursor* cursor_ = nullptr;
  MDB_val key_{0, nullptr};
  MDB_val value_{0, nullptr};
};

} // namespace gd::store::lmdb
