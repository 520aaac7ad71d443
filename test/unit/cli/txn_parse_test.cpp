#include <boost/test/unit_test.hpp>

#include "cmd/glcli/txn_parse.hpp"

namespace {

namespace kv = gd::kv;
using namespace std::string_literals;
using gd::glcli::parse_compare;
using gd::glcli::parse_op;
using gd::glcli::parse_txn;
using gd::glcli::parse_txn_flags;
using gd::glcli::split_words;
using gd::glcli::syntax_error;

std::string txn_error(const std::string& text) {
  try {
    parse_txn(text);
  } catch (const syntax_error& e) {
    return e.what();
  }
  return "";
}

std::string flags_error(const std::vector<std::string>& compares,
                        const std::vector<std::string>& thens,
                        const std::vector<std::string>& elses) {
  try {
    parse_txn_flags(compares, thens, elses);
  } catch (const syntax_error& e) {
    return e.what();
  }
  return "";
}

const kv::put_request& as_put(const kv::request_op& op) {
  return std::get<kv::put_request>(op);
}
const kv::range_request& as_get(const kv::request_op& op) {
  return std::get<kv::range_request>(op);
}
const kv::delete_request& as_del(const kv::request_op& op) {
  return std::get<kv::delete_request>(op);
}

} // namespace

BOOST_AUTO_TEST_SUITE(txn_grammar)

BOOST_AUTO_TEST_CASE(split_words_quoting_rules) {
  using v = std::vector<std::string>;
  BOOST_TEST((split_words("put a b") == v{"put", "a", "b"}));
  BOOST_TEST((split_words("  put\t a  ") == v{"put", "a"}));
  BOOST_TEST((split_words(R"(put "a b" 'c "d')") == v{"put", "a b", "c \"d"}));
  BOOST_TEST((split_words(R"(a"b c"d)") == v{"ab cd"}));
  BOOST_TEST((split_words(R"("" '')") == v{"", ""}));
  BOOST_TEST((split_words(R"("\"\\\n\t\r\x00\xfF")")
              == v{"\"\\\n\t\r\0\xff"s}));
}

BOOST_AUTO_TEST_CASE(split_words_bad_quotes) {
  BOOST_CHECK_EXCEPTION(split_words(R"(put "a b)"), syntax_error,
                        [](const syntax_error& e) {
                          return e.what()
                                 == R"(unterminated quote (") in 'put "a b')"s;
                        });
  BOOST_CHECK_EXCEPTION(split_words("put 'a"), syntax_error,
                        [](const syntax_error& e) {
                          return e.what()
                                 == "unterminated quote (') in 'put 'a'"s;
                        });
  BOOST_CHECK_EXCEPTION(split_words(R"("\q")"), syntax_error,
                        [](const syntax_error& e) {
                          return e.what()
                                 == R"(unknown escape '\q' in '"\q"' (known: )"
                                    R"(\" \\ \n \t \r \xHH))"s;
                        });
  BOOST_CHECK_EXCEPTION(split_words(R"("\x4")"), syntax_error,
                        [](const syntax_error& e) {
                          return e.what()
                                 == R"(\x needs two hex digits in '"\x4"')"s;
                        });
}

BOOST_AUTO_TEST_CASE(compare_forms) {
  auto c = parse_compare(R"(value("k1") = "v 1")");
  BOOST_TEST(c.key == "k1");
  BOOST_TEST((c.target == kv::compare_target::value));
  BOOST_TEST((c.result == kv::compare_result::equal));
  BOOST_TEST(c.value == "v 1");

  c = parse_compare(R"(version("k") > "3")");
  BOOST_TEST((c.target == kv::compare_target::version));
  BOOST_TEST((c.result == kv::compare_result::greater));
  BOOST_TEST(c.number == 3);

  c = parse_compare(R"(create("k") = "0")");
  BOOST_TEST((c.target == kv::compare_target::create_revision));
  BOOST_TEST(c.number == 0);

  c = parse_compare(R"(mod("k") < "9")");
  BOOST_TEST((c.target == kv::compare_target::mod_revision));
  BOOST_TEST((c.result == kv::compare_result::less));
  BOOST_TEST(c.number == 9);

  // Short names, unquoted operands, ==, !=, and spaces anywhere.
  c = parse_compare("  ver ( k ) != 12 ");
  BOOST_TEST(c.key == "k");
  BOOST_TEST((c.target == kv::compare_target::version));
  BOOST_TEST((c.result == kv::compare_result::not_equal));
  BOOST_TEST(c.number == 12);
  c = parse_compare(R"(val("a)b")=="x")");
  BOOST_TEST(c.key == "a)b");
  BOOST_TEST(c.value == "x");
  BOOST_TEST((parse_compare("c(k) = -1").number == -1));
  BOOST_TEST((parse_compare("m(k) = 9223372036854775807").number
              == 9223372036854775807));
}

BOOST_AUTO_TEST_CASE(compare_errors_name_the_input) {
  auto err = [](const std::string& s) {
    try {
      parse_compare(s);
    } catch (const syntax_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  BOOST_TEST(err("foo")
             == R"(expected a comparison like 'value("KEY") = "VALUE"', got )"
                R"('foo')");
  BOOST_TEST(err(R"(value("k") "v")")
             == R"(expected a comparison like 'value("KEY") = "VALUE"', got )"
                R"('value("k") "v"')");
  BOOST_TEST(err(R"(value("k") =)")
             == R"(expected a comparison like 'value("KEY") = "VALUE"', got )"
                R"('value("k") =')");
  BOOST_TEST(err(R"(value("k" = "v")")
             == R"(expected a comparison like 'value("KEY") = "VALUE"', got )"
                R"('value("k" = "v"')");
  BOOST_TEST(err(R"(size("k") = "1")")
             == R"(unknown comparison target 'size' in 'size("k") = "1"' )"
                R"((expected value, version, create or mod))");
  BOOST_TEST(err(R"(value("k") <= "1")")
             == R"(unknown operator '<=' in 'value("k") <= "1"' (expected =, )"
                R"(!=, < or >))");
  BOOST_TEST(err(R"(version("k") > "x")")
             == R"(version compares with a whole number, got 'x' in )"
                R"('version("k") > "x"')");
  BOOST_TEST(err("mod(k) = 9223372036854775808")
             == "mod compares with a whole number, got "
                "'9223372036854775808' in 'mod(k) = 9223372036854775808'");
  BOOST_TEST(err(R"(value("k") = "v" x)")
             == R"(unexpected 'x' after the comparison in 'value("k") = "v" )"
                R"(x')");
}

BOOST_AUTO_TEST_CASE(op_forms) {
  auto p = as_put(parse_op(R"(put "a key" "\x00v" --prev-kv)"));
  BOOST_TEST(p.key == "a key");
  BOOST_TEST(p.value == "\0v"s);
  BOOST_TEST(p.prev_kv);
  // A quoted word is never an option.
  BOOST_TEST(as_put(parse_op(R"(put k "--x")")).value == "--x");

  auto g = as_get(parse_op("get k"));
  BOOST_TEST(g.range.key == "k");
  BOOST_TEST(g.range.range_end == "");
  g = as_get(parse_op("get k --prefix --limit 5 --keys-only"));
  BOOST_TEST(g.range.range_end == "l");
  BOOST_TEST(g.limit == 5);
  BOOST_TEST(g.keys_only);
  BOOST_TEST(!g.count_only);
  g = as_get(parse_op("get k --from-key --count-only"));
  BOOST_TEST(g.range.range_end == "\0"s);
  BOOST_TEST(g.count_only);
  // An empty prefix means every key, as in etcd.
  g = as_get(parse_op(R"(get "" --prefix)"));
  BOOST_TEST(g.range.key == "\0"s);
  BOOST_TEST(g.range.range_end == "\0"s);

  auto d = as_del(parse_op("del k --prefix --prev-kv"));
  BOOST_TEST(d.range.key == "k");
  BOOST_TEST(d.range.range_end == "l");
  BOOST_TEST(d.prev_kv);
  BOOST_TEST(as_del(parse_op("del k")).range.range_end == "");
}

BOOST_AUTO_TEST_CASE(op_errors_name_the_input) {
  auto err = [](const std::string& s) {
    try {
      parse_op(s);
    } catch (const syntax_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  BOOST_TEST(err("pot a b")
             == "expected an operation like 'put KEY VALUE', got 'pot a b'");
  BOOST_TEST(err("put a")
             == "'put' needs a KEY and a VALUE (put KEY VALUE "
                "[--prev-kv]), got 'put a'");
  BOOST_TEST(err("put a b c")
             == "'put' needs a KEY and a VALUE (put KEY VALUE "
                "[--prev-kv]), got 'put a b c'");
  BOOST_TEST(err("get")
             == "'get' needs exactly one KEY (get KEY [--prefix] "
                "[--from-key] [--limit N] [--keys-only] [--count-only]), "
                "got 'get'");
  BOOST_TEST(err("del a b")
             == "'del' needs exactly one KEY (del KEY [--prefix] "
                "[--from-key] [--prev-kv]), got 'del a b'");
  BOOST_TEST(err("get k --foo")
             == "unknown option '--foo' for 'get' in 'get k --foo'");
  BOOST_TEST(err("put k v --prefix")
             == "unknown option '--prefix' for 'put' in 'put k v --prefix'");
  BOOST_TEST(err("del k --limit 3")
             == "unknown option '--limit' for 'del' in 'del k --limit 3'");
  BOOST_TEST(err("get k --limit x")
             == "--limit needs a number >= 0 in 'get k --limit x'");
  BOOST_TEST(err("get k --prefix --from-key")
             == "--prefix and --from-key exclude each other in 'get k "
                "--prefix --from-key'");
}

BOOST_AUTO_TEST_CASE(txn_sections) {
  auto t = parse_txn("value(\"a\") = \"1\"\nversion(\"b\") > \"3\"\n"
                     "\n"
                     "put a 2\nget b --prefix\n"
                     "\n"
                     "del c\n");
  BOOST_TEST(t.compares.size() == 2u);
  BOOST_TEST(t.success.size() == 2u);
  BOOST_TEST(t.failure.size() == 1u);
  BOOST_TEST(as_put(t.success[0]).value == "2");
  BOOST_TEST(as_get(t.success[1]).range.range_end == "c");
  BOOST_TEST(as_del(t.failure[0]).range.key == "c");
}

BOOST_AUTO_TEST_CASE(txn_without_compares_starts_blank) {
  auto t = parse_txn("\nput a 1\n");
  BOOST_TEST(t.compares.empty());
  BOOST_TEST(t.success.size() == 1u);
  BOOST_TEST(t.failure.empty());
  // Only failure ops; CRLF line ends and whitespace-only blank lines.
  t = parse_txn("\r\n \t\r\nget a\r\n");
  BOOST_TEST(t.success.empty());
  BOOST_TEST(t.failure.size() == 1u);
  BOOST_TEST(as_get(t.failure[0]).range.key == "a");
  // Blank lines after the failure section are ignored; no final newline.
  t = parse_txn("value(a) = 1\n\nput a 2\n\nput a 3\n\n\n");
  BOOST_TEST(t.failure.size() == 1u);
  BOOST_TEST(parse_txn("").compares.empty());
}

BOOST_AUTO_TEST_CASE(txn_errors_carry_line_numbers) {
  BOOST_TEST(txn_error("\npot a b\n")
             == "line 2: expected an operation like 'put KEY VALUE', got "
                "'pot a b'");
  BOOST_TEST(txn_error("value(\"a\") = \"1\"\nput a 2\n")
             == R"(line 2: expected a comparison like 'value("KEY") = )"
                R"("VALUE"', got 'put a 2')");
  BOOST_TEST(txn_error("\n\n\nput a 1\n")
             == "line 4: a txn has three sections (compares, success ops, "
                "failure ops) separated by blank lines; this is a fourth: "
                "'put a 1'");
  BOOST_TEST(txn_error("\nput a 1\n\nput \"b\n")
             == R"(line 4: unterminated quote (") in 'put "b')");
}

BOOST_AUTO_TEST_CASE(txn_from_flags) {
  auto t = parse_txn_flags({R"(value("a") = "1")"}, {"put a 2", "get a"},
                           {"del a"});
  BOOST_TEST(t.compares.size() == 1u);
  BOOST_TEST(t.success.size() == 2u);
  BOOST_TEST(t.failure.size() == 1u);
  BOOST_TEST(flags_error({}, {"pot a b"}, {})
             == "--then: expected an operation like 'put KEY VALUE', got "
                "'pot a b'");
  BOOST_TEST(flags_error({"x"}, {}, {})
             == R"(--compare: expected a comparison like 'value("KEY") = )"
                R"("VALUE"', got 'x')");
  BOOST_TEST(flags_error({}, {}, {"get"})
             == "--else: 'get' needs exactly one KEY (get KEY [--prefix] "
                "[--from-key] [--limit N] [--keys-only] [--count-only]), "
                "got 'get'");
}

BOOST_AUTO_TEST_SUITE_END()
