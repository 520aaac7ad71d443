#pragma once

// Damage a disk can do to a member's state store, for tests.
//
// A power cut: the state store's LMDB environment runs with MDB_NOMETASYNC,
// so each commit flushes its data pages but not the meta page that makes it
// current, and the last commit before the cut may be undone. LMDB keeps two
// meta pages and never reuses the pages of the commit before the last, so
// the environment then reopens exactly as of that previous commit.
//
// Corruption: a stored record whose bytes no longer decode.

#include <string>

namespace gd::test {

/// Undoes the last commit of the closed LMDB environment whose data file is
/// `data_mdb` (e.g. "<dir>/data.mdb"), as a power cut right after it could:
/// the newer of the two meta pages is overwritten by the older one. Only
/// faithful if that last commit was not flushed (kv_store::unflushed_commit).
/// Returns false, changing nothing, if the file holds no two valid meta
/// pages of consecutive transactions (nothing to undo). Throws
/// std::runtime_error on I/O errors.
bool undo_last_commit(const std::string& data_mdb);

/// Damages the record of `key` in the key-value database of the closed state
/// store in `store_dir` (a kv_store directory) so that it no longer decodes.
/// Returns false, changing nothing, if the key is not there. Throws
/// store::store_error on LMDB errors.
bool damage_kv_record(const std::string& store_dir, const std::string& key);

/// Flips the low bit of the last byte of the stored record of `key` in the
/// closed state store in `store_dir`: the record keeps its size and still
/// decodes; only its checksum can tell. Returns false, changing nothing, if
/// the key is not there. Throws store::store_error on LMDB errors.
bool flip_value_bit(const std::string& store_dir, const std::string& key);

} // namespace gd::test
