#pragma once

// File system helpers for durable installs: fsync of files and directories
// and atomic replacement of small files. Used by store/ and by the snapshot
// transfer in actors/raft. Every failure throws store_error(io) naming the
// path and errno's text.

#include <string>

namespace gd::store::fs {

/// Returns true if `path` is an existing directory.
bool is_directory(const std::string& path);

/// fsyncs the file or directory at `path`.
void fsync_path(const std::string& path);

/// Replaces `path` with a file holding `content`, atomically: writes
/// `path`.tmp (with permission bits `mode`, whatever a leftover .tmp had),
/// fsyncs it, renames it over `path` and fsyncs the directory.
void write_file_atomically(const std::string& path, const std::string& content,
                           unsigned mode = 0644);

/// Returns the content of the file at `path`. Throws store_error
/// (bad_layout if it cannot be opened).
std::string read_file(const std::string& path);

/// Returns the directory part of `path` ("." if it has none).
std::string parent_of(const std::string& path);

} // namespace gd::store::fs
