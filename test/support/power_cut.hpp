#pragma once

// What an OS crash (a power cut) can do to an LMDB environment opened with
// MDB_NOMETASYNC, which the state store uses: each commit flushes its data
// pages but not the meta page that makes it current, so the last commit
// before the cut may be undone. LMDB keeps two meta pages and never reuses
// the pages of the commit before the last, so the environment then reopens
// exactly as of that previous commit.

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

} // namespace gd::test
