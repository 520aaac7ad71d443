#pragma once

// The text form of a KV transaction, after etcdctl's `txn`:
//
//   value("k1") = "v1"          <- compares, one per line (all must hold)
//   version("k2") > "3"
//                               <- a blank line ends the compares
//   put k1 v2                   <- success ops, run if every compare holds
//   get k2 --prefix
//                               <- a blank line ends the success ops
//   del k3                      <- failure ops, run otherwise
//
// Each blank line (empty or only spaces/tabs) ends one section, so input
// without compares starts with a blank line. Blank lines after the failure
// section are ignored; anything else after it is an error.
//
// Compares: TARGET(KEY) OP VALUE. TARGET is value (val), version (ver),
// create (c: create revision) or mod (m: mod revision); OP is = (==), !=, <
// or >. value compares bytes; the others compare whole numbers, written
// quoted or not ("3" or 3). A missing key has version, create and mod 0.
//
// Ops: `put KEY VALUE [--prev-kv]`, `get KEY [--prefix] [--from-key]
// [--limit N] [--keys-only] [--count-only]`, `del KEY [--prefix]
// [--from-key] [--prev-kv]`.
//
// Quoting, for keys, values and numbers alike: words are separated by
// spaces or tabs. Inside double quotes, spaces are kept and the escapes \"
// \\ \n \t \r and \xHH (any byte, two hex digits) work; inside single quotes
// everything is literal up to the next single quote. Quoted and unquoted
// pieces next to each other form one word (a"b c"d is `ab cd`), as in a
// shell. An empty key needs quotes: "". A word that starts with -- is an
// option unless some part of it is quoted ("--x" is a value).

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/kv_types.hpp"

namespace gd::glcli {

/// Bad transaction text. what() names the problem and quotes the input, e.g.
/// "line 2: expected an operation like 'put KEY VALUE', got 'pot a b'".
class syntax_error : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

/// Splits `line` into words by the quoting rules above. Throws syntax_error
/// for an unterminated quote or a bad escape.
std::vector<std::string> split_words(std::string_view line);

/// Returns the range for `key` alone, for every key starting with `key`
/// (`prefix`) or every key >= `key` (`from_key`). With an empty key, both
/// select every key (key "\0", like etcd). Precondition: not both flags.
kv::key_range key_range_of(const std::string& key, bool prefix, bool from_key);

/// Parses one compare line. Throws syntax_error (without a line number).
kv::compare parse_compare(std::string_view line);

/// Parses one operation line. Throws syntax_error (without a line number).
kv::request_op parse_op(std::string_view line);

/// Parses a whole transaction text (sections separated by blank lines).
/// Throws syntax_error whose message starts with "line N: ".
kv::txn_request parse_txn(std::string_view text);

/// Builds a transaction from the --compare, --then and --else flag values.
/// Throws syntax_error whose message starts with the flag's name, e.g.
/// "--then: expected an operation like 'put KEY VALUE', got 'pot a b'".
kv::txn_request parse_txn_flags(const std::vector<std::string>& compares,
                                const std::vector<std::string>& thens,
                                const std::vector<std::string>& elses);

} // namespace gd::glcli
