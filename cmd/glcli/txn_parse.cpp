#include "cmd/glcli/txn_parse.hpp"

#include <cstdint>
#include <limits>

namespace gd::glcli {

namespace {

constexpr std::string_view compare_shape =
  "expected a comparison like 'value(\"KEY\") = \"VALUE\"'";
constexpr std::string_view op_shape =
  "expected an operation like 'put KEY VALUE'";

std::string quoted(std::string_view s) {
  std::string r = "'";
  r.append(s);
  r += '\'';
  return r;
}

bool space(char c) {
  return c == ' ' || c == '\t';
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

void skip_spaces(std::string_view s, std::size_t& pos) {
  while (pos < s.size() && space(s[pos]))
    ++pos;
}

/// Reads one word at `pos` (after spaces) by the quoting rules; an unquoted
/// character in `stops` ends it like a space. Returns false if no word
/// starts at `pos`.
bool read_word(std::string_view s, std::size_t& pos, std::string& word,
               std::string_view stops = {}, bool* was_quoted = nullptr) {
  skip_spaces(s, pos);
  word.clear();
  bool any = false;
  if (was_quoted != nullptr)
    *was_quoted = false;
  while (pos < s.size()) {
    char c = s[pos];
    if (space(c) || stops.find(c) != std::string_view::npos)
      break;
    any = true;
    if ((c == '\'' || c == '"') && was_quoted != nullptr)
      *was_quoted = true;
    if (c == '\'') {
      auto close = s.find('\'', pos + 1);
      if (close == std::string_view::npos)
        throw syntax_error("unterminated quote (') in " + quoted(s));
      word.append(s.substr(pos + 1, close - pos - 1));
      pos = close + 1;
      continue;
    }
    if (c != '"') {
      word += c;
      ++pos;
      continue;
    }
    ++pos;
    for (;;) {
      if (pos >= s.size())
        throw syntax_error("unterminated quote (\") in " + quoted(s));
      char q = s[pos++];
      if (q == '"')
        break;
      if (q != '\\') {
        word += q;
        continue;
      }
      if (pos >= s.size())
        throw syntax_error("unterminated quote (\") in " + quoted(s));
      char e = s[pos++];
      switch (e) {
        case '"':
        case '\\':
          word += e;
          break;
        case 'n':
          word += '\n';
          break;
        case 't':
          word += '\t';
          break;
        case 'r':
          word += '\r';
          break;
        case 'x': {
          int hi = pos < s.size() ? hex_digit(s[pos]) : -1;
          int lo = pos + 1 < s.size() ? hex_digit(s[pos + 1]) : -1;
          if (hi < 0 || lo < 0)
            throw syntax_error("\\x needs two hex digits in " + quoted(s));
          word += static_cast<char>(hi * 16 + lo);
          pos += 2;
          break;
        }
        default:
          throw syntax_error("unknown escape '\\" + std::string(1, e)
                             + "' in " + quoted(s)
                             + " (known: \\\" \\\\ \\n \\t \\r \\xHH)");
      }
    }
  }
  return any;
}

std::string trimmed(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && space(s[b]))
    ++b;
  while (e > b && (space(s[e - 1]) || s[e - 1] == '\r'))
    --e;
  return std::string(s.substr(b, e - b));
}

bool blank(std::string_view s) {
  for (char c : s)
    if (!space(c) && c != '\r')
      return false;
  return true;
}

/// Parses a whole number for a numeric compare or --limit.
bool parse_int(const std::string& text, std::int64_t& out) {
  if (text.empty())
    return false;
  std::size_t i = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  if (i == text.size())
    return false;
  std::uint64_t v = 0;
  constexpr auto max = static_cast<std::uint64_t>(
    std::numeric_limits<std::int64_t>::max());
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9')
      return false;
    v = v * 10 + static_cast<std::uint64_t>(text[i] - '0');
    if (v > max + (negative ? 1 : 0))
      return false;
  }
  out = negative ? static_cast<std::int64_t>(0 - v)
                 : static_cast<std::int64_t>(v);
  return true;
}

struct word {
  std::string text;
  /// Some part of it was quoted: never an option.
  bool quoted = false;
};

std::vector<word> split_quoted_words(std::string_view line) {
  std::vector<word> words;
  std::size_t pos = 0;
  word w;
  while (read_word(line, pos, w.text, {}, &w.quoted))
    words.push_back(w);
  return words;
}

} // namespace

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  std::string w;
  while (read_word(line, pos, w))
    words.push_back(w);
  return words;
}

kv::key_range key_range_of(const std::string& key, bool prefix,
                           bool from_key) {
  if (key.empty() && (prefix || from_key))
    return {std::string(1, '\0'), std::string(1, '\0')};
  if (prefix)
    return {key, kv::prefix_end(key)};
  if (from_key)
    return {key, std::string(1, '\0')};
  return {key, {}};
}

kv::compare parse_compare(std::string_view text) {
  auto line = trimmed(text);
  auto shape = [&] {
    return syntax_error(std::string(compare_shape) + ", got " + quoted(line));
  };
  std::size_t pos = 0;
  std::string target;
  while (pos < line.size()
         && ((line[pos] >= 'a' && line[pos] <= 'z')
             || (line[pos] >= 'A' && line[pos] <= 'Z') || line[pos] == '_'))
    target += line[pos++];
  skip_spaces(line, pos);
  if (target.empty() || pos >= line.size() || line[pos] != '(')
    throw shape();
  kv::compare c;
  if (target == "value" || target == "val")
    c.target = kv::compare_target::value;
  else if (target == "version" || target == "ver")
    c.target = kv::compare_target::version;
  else if (target == "create" || target == "c")
    c.target = kv::compare_target::create_revision;
  else if (target == "mod" || target == "m")
    c.target = kv::compare_target::mod_revision;
  else
    throw syntax_error("unknown comparison target " + quoted(target) + " in "
                       + quoted(line)
                       + " (expected value, version, create or mod)");
  ++pos;
  read_word(line, pos, c.key, ")");
  skip_spaces(line, pos);
  if (pos >= line.size() || line[pos] != ')')
    throw shape();
  ++pos;
  skip_spaces(line, pos);
  std::string op;
  while (pos < line.size()
         && std::string_view("=!<>").find(line[pos]) != std::string_view::npos)
    op += line[pos++];
  if (op.empty())
    throw shape();
  if (op == "=" || op == "==")
    c.result = kv::compare_result::equal;
  else if (op == "!=")
    c.result = kv::compare_result::not_equal;
  else if (op == "<")
    c.result = kv::compare_result::less;
  else if (op == ">")
    c.result = kv::compare_result::greater;
  else
    throw syntax_error("unknown operator " + quoted(op) + " in "
                       + quoted(line) + " (expected =, !=, < or >)");
  std::string operand;
  if (!read_word(line, pos, operand))
    throw shape();
  skip_spaces(line, pos);
  if (pos != line.size())
    throw syntax_error("unexpected " + quoted(line.substr(pos)) + " after "
                       + "the comparison in " + quoted(line));
  if (c.target == kv::compare_target::value) {
    c.value = std::move(operand);
  } else if (!parse_int(operand, c.number)) {
    throw syntax_error(target + " compares with a whole number, got "
                       + quoted(operand) + " in " + quoted(line));
  }
  return c;
}

kv::request_op parse_op(std::string_view text) {
  auto line = trimmed(text);
  auto words = split_quoted_words(line);
  if (words.empty())
    throw syntax_error(std::string(op_shape) + ", got " + quoted(line));
  const auto& verb = words[0].text;
  std::vector<std::string> args;
  std::vector<std::string> flags;
  std::int64_t limit = 0;
  bool has_limit = false;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const auto& w = words[i].text;
    if (!words[i].quoted && w.size() > 2 && w.compare(0, 2, "--") == 0) {
      if (w == "--limit" && verb == "get") {
        if (i + 1 >= words.size() || !parse_int(words[i + 1].text, limit)
            || limit < 0)
          throw syntax_error("--limit needs a number >= 0 in "
                             + quoted(line));
        has_limit = true;
        ++i;
        continue;
      }
      flags.push_back(w);
    } else {
      args.push_back(w);
    }
  }
  auto allowed = [&](std::initializer_list<const char*> ok) {
    for (const auto& f : flags) {
      bool found = false;
      for (const char* o : ok)
        found = found || f == o;
      if (!found)
        throw syntax_error("unknown option " + quoted(f) + " for "
                           + quoted(verb) + " in " + quoted(line));
    }
  };
  auto has = [&](const char* flag) {
    for (const auto& f : flags)
      if (f == flag)
        return true;
    return false;
  };
  auto one_range = [&](const char* usage) {
    if (args.size() != 1)
      throw syntax_error(quoted(verb) + " needs exactly one KEY (" + usage
                         + "), got " + quoted(line));
    if (has("--prefix") && has("--from-key"))
      throw syntax_error("--prefix and --from-key exclude each other in "
                         + quoted(line));
    return key_range_of(args[0], has("--prefix"), has("--from-key"));
  };
  if (verb == "put") {
    allowed({"--prev-kv"});
    if (args.size() != 2)
      throw syntax_error("'put' needs a KEY and a VALUE (put KEY VALUE "
                         "[--prev-kv]), got "
                         + quoted(line));
    return kv::put_request{args[0], args[1], has("--prev-kv")};
  }
  if (verb == "get") {
    allowed({"--prefix", "--from-key", "--keys-only", "--count-only"});
    kv::range_request r;
    r.range = one_range("get KEY [--prefix] [--from-key] [--limit N] "
                        "[--keys-only] [--count-only]");
    r.limit = has_limit ? limit : 0;
    r.keys_only = has("--keys-only");
    r.count_only = has("--count-only");
    return r;
  }
  if (verb == "del") {
    allowed({"--prefix", "--from-key", "--prev-kv"});
    kv::delete_request d;
    d.range = one_range("del KEY [--prefix] [--from-key] [--prev-kv]");
    d.prev_kv = has("--prev-kv");
    return d;
  }
  throw syntax_error(std::string(op_shape) + ", got " + quoted(line));
}

kv::txn_request parse_txn(std::string_view text) {
  kv::txn_request t;
  int section = 0;
  int line_no = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    auto line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (blank(line)) {
      ++section;
      continue;
    }
    try {
      switch (section) {
        case 0:
          t.compares.push_back(parse_compare(line));
          break;
        case 1:
          t.success.push_back(parse_op(line));
          break;
        case 2:
          t.failure.push_back(parse_op(line));
          break;
        default:
          throw syntax_error(
            "a txn has three sections (compares, success ops, failure ops) "
            "separated by blank lines; this is a fourth: "
            + quoted(trimmed(line)));
      }
    } catch (const syntax_error& e) {
      throw syntax_error("line " + std::to_string(line_no) + ": " + e.what());
    }
  }
  return t;
}

kv::txn_request parse_txn_flags(const std::vector<std::string>& compares,
                                const std::vector<std::string>& thens,
                                const std::vector<std::string>& elses) {
  kv::txn_request t;
  auto each = [](const char* flag, const std::vector<std::string>& in,
                 auto&& parse, auto& out) {
    for (const auto& s : in) {
      try {
        out.push_back(parse(s));
      } catch (const syntax_error& e) {
        throw syntax_error(std::string(flag) + ": " + e.what());
      }
    }
  };
  each("--compare", compares, parse_compare, t.compares);
  each("--then", thens, parse_op, t.success);
  each("--else", elses, parse_op, t.failure);
  return t;
}

} // namespace gd::glcli
