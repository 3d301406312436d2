// Codec benchmarks, one binary and one run: for every documented sample and three generated large pages,
// our decode (SAX, the default), decode_dom, encode and validate, against baselines: tokenizing only (the
// floor), boost::json::parse (default allocator and monotonic arena), parse + Boost's own value_to where it
// applies, nlohmann::json parse + a hand-written mapping into the same structs, and a boost::json DOM built
// from the struct + serialize. Every benchmark reports allocations per iteration; "memory/..." benchmarks
// report the peak heap while decoding a page. bench/report.py turns the JSON output into ratios.
//
// Anchors, built when their packages are found: simdjson On-Demand, RapidJSON SAX (decode) and Writer
// (encode), serde_json (decode and encode, a Rust static library), each mapping into the same structs. Every
// anchor's result is checked against tcchat's (bench/anchor_checksum.hpp, and the encoded bytes) before anything
// is timed; a mismatch stops the program. A yardstick for the get_contact_group and get_list answers: basic_parser
// handlers written by hand for those messages alone (bench/hand_written_handler.hpp), also checked first.
#include "../tests/oracle/dom_reference.hpp" // decode_dom, decode_value, parse_json: the test oracle
#include <tcchat/client.hpp>
#include <tcchat/codec.hpp>
#include <tcchat/endpoints.hpp>
#include <tcchat/validate.hpp>

#ifdef TCCHAT_BENCH_BOOST_JSON_SRC
#include <tcchat/boost_json_src.hpp>
#endif

#include <benchmark/benchmark.h>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_to.hpp>
#include <boost/mp11/algorithm.hpp>

#ifdef TCCHAT_BENCH_HAVE_NLOHMANN
#include <nlohmann/json.hpp>
#endif

#include "anchor_checksum.hpp"
#include "hand_written_handler.hpp"
#ifdef TCCHAT_BENCH_HAVE_SIMDJSON
#include "anchor_simdjson.hpp"
#endif
#ifdef TCCHAT_BENCH_HAVE_RAPIDJSON
#include "anchor_rapidjson.hpp"
#endif
#ifdef TCCHAT_BENCH_HAVE_SERDE
#include "anchor_serde.hpp"
#endif

#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <new>
#include <sstream>
#include <string>
#include <vector>

// --- allocation accounting: every operator new of the program is counted -------------------------------

namespace heap {
std::size_t allocations = 0; // single-threaded benchmarks: plain counters
bool tracking = false;       // bytes are tracked only by the memory benchmarks (it costs time)
std::size_t live = 0;        // bytes held (malloc's usable size) while tracking
std::size_t peak = 0;

inline void* take(void* p) {
    if (p == nullptr) throw std::bad_alloc();
    ++allocations;
    if (tracking) {
        live += malloc_usable_size(p);
        if (live > peak) peak = live;
    }
    return p;
}
inline void give(void* p) noexcept {
    if (p == nullptr) return;
    if (tracking) live -= malloc_usable_size(p);
    std::free(p);
}
} // namespace heap

void* operator new(std::size_t n) { return heap::take(std::malloc(n == 0 ? 1 : n)); }
void* operator new[](std::size_t n) { return heap::take(std::malloc(n == 0 ? 1 : n)); }
void* operator new(std::size_t n, std::align_val_t a) {
    return heap::take(std::aligned_alloc(static_cast<std::size_t>(a), (n + static_cast<std::size_t>(a) - 1) & ~(static_cast<std::size_t>(a) - 1)));
}
void* operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    void* p = std::malloc(n == 0 ? 1 : n);
    return p == nullptr ? nullptr : heap::take(p);
}
void* operator new[](std::size_t n, const std::nothrow_t& tag) noexcept { return operator new(n, tag); }
void operator delete(void* p) noexcept { heap::give(p); }
void operator delete[](void* p) noexcept { heap::give(p); }
void operator delete(void* p, std::size_t) noexcept { heap::give(p); }
void operator delete[](void* p, std::size_t) noexcept { heap::give(p); }
void operator delete(void* p, std::align_val_t) noexcept { heap::give(p); }
void operator delete[](void* p, std::align_val_t) noexcept { heap::give(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { heap::give(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { heap::give(p); }

namespace {

using namespace tcchat;
using namespace tcchat::test_oracle;
namespace json = boost::json;

// --- inputs ---------------------------------------------------------------------------------------------

constexpr std::size_t endpoint_count = boost::mp11::mp_size<all_endpoints>::value;

/// Calls f(T{}) for type `index`: 2k is the request and 2k+1 the response of endpoint k (all_endpoints order).
template <class F>
void visit_type(std::size_t index, F&& f) {
    boost::mp11::mp_with_index<endpoint_count>(index / 2, [&](auto k) {
        using endpoint = boost::mp11::mp_at_c<all_endpoints, decltype(k)::value>;
        if (index % 2 == 0) f(typename endpoint::request{});
        else f(typename endpoint::response{});
    });
}

struct input {
    std::string name; // "<command>.<request|response>[.variant]" or "...:pageN"
    std::size_t type;
    std::string text;
};

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::size_t type_of(const std::string& command, bool response) {
    std::size_t index = 0, found = 2 * endpoint_count;
    boost::mp11::mp_for_each<all_endpoints>([&](auto endpoint) {
        if (decltype(endpoint)::command == command) found = 2 * index + (response ? 1 : 0);
        ++index;
    });
    return found;
}

contact_mark_item mark_item_for(std::size_t i) {
    contact_mark_item item;
    if (i % 2 == 0) {
        item.Type = conversation_type::c2c;
        item.To_Account = "user_" + std::to_string(100000 + i);
    } else {
        item.Type = conversation_type::group;
        item.ToGroupId = "@TGS#1GF45ASQY" + std::to_string(i); // past the small-string buffer
    }
    item.StandardMark = standard_mark((std::uint64_t{1} << 34) | (i % 16));
    if (i % 3 == 0) item.CustomMark = "custom mark number " + std::to_string(i);
    item.ContactGroupId = std::vector<std::uint64_t>{1 + i % 20};
    if (i % 4 == 0) item.ContactGroupId->push_back(2 + i % 18);
    item.Timestamp = 1744794702 + static_cast<std::int64_t>(i);
    return item;
}

std::vector<group_item> groups(std::size_t n) {
    std::vector<group_item> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back({"conversation group " + std::to_string(i), i + 1});
    return out;
}

std::string page_get_contact_group(std::size_t n) {
    get_contact_group_response page;
    page.ActionStatus = "OK";
    page.ContactItem.emplace();
    for (std::size_t i = 0; i < n; ++i) page.ContactItem->push_back(mark_item_for(i));
    page.GroupItem = groups(20);
    page.CompleteFlag = complete_flag::incomplete;
    page.NextStartIndex = static_cast<std::int64_t>(n);
    return encode(page);
}

std::string page_search(std::size_t n) {
    search_contact_group_response page;
    page.ActionStatus = "OK";
    page.ContactResultItem.emplace();
    for (std::size_t i = 0; i < n; ++i) page.ContactResultItem->push_back(mark_item_for(i));
    page.GroupItem = groups(20);
    return encode(page);
}

std::string page_get_list(std::size_t n) {
    get_list_response page;
    page.ActionStatus = "OK";
    page.SessionItem.emplace();
    for (std::size_t i = 0; i < n; ++i) {
        session_item item;
        if (i % 2 == 0) {
            item.Type = conversation_type::c2c;
            item.To_Account = "user_" + std::to_string(100000 + i);
        } else {
            item.Type = conversation_type::group;
            item.GroupId = "@TGS#1B2AUI7RZ" + std::to_string(i);
        }
        item.MsgTime = 1772612017 + static_cast<std::int64_t>(i);
        item.TopFlag = i % 10 == 0 ? top_flag::pinned : top_flag::general;
        if (i % 2 == 1) {
            item.StandardMark = standard_mark(0x39);
            item.CustomMark = "abcd";
            item.ContactGroupId = std::vector<std::uint64_t>{1, 2};
        }
        page.SessionItem->push_back(std::move(item));
    }
    page.CompleteFlag = complete_flag::incomplete;
    page.TimeStamp = 1775552160;
    page.StartIndex = static_cast<std::int64_t>(n);
    page.TopTimeStamp = 1775552160;
    page.TopStartIndex = 3;
    return encode(page);
}

std::vector<input> inputs() {
    std::vector<input> out;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(TCCHAT_SAMPLES_DIR))
        if (entry.path().extension() == ".json") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
        std::string name = path.filename().string();
        name.resize(name.size() - 5); // ".json"
        const std::string command = name.substr(0, name.find('.'));
        out.push_back({name, type_of(command, name.find(".response") != std::string::npos), read_file(path)});
    }
    out.push_back({"get_contact_group.response:page1000", type_of("get_contact_group", true), page_get_contact_group(1000)});
    out.push_back({"search_contact_group.response:page300", type_of("search_contact_group", true), page_search(300)});
    out.push_back({"get_list.response:page1000", type_of("get_list", true), page_get_list(1000)});
    return out;
}

// --- what a decoded value holds: the allocations a perfect decoder cannot avoid -----------------------------

struct footprint {
    std::size_t heap_strings = 0; ///< strings longer than the small-string buffer
    std::size_t vectors = 0;      ///< non-empty vectors
};

template <class T>
void measure(const T& value, footprint& out) {
    if constexpr (detail::is_optional<T>::value) {
        if (value) measure(*value, out);
    } else if constexpr (detail::is_vector<T>::value) {
        if (!value.empty()) ++out.vectors;
        for (const auto& item : value) measure(item, out);
    } else if constexpr (std::is_same_v<T, std::string>) {
        if (value.size() > std::string().capacity()) ++out.heap_strings;
    } else if constexpr (std::is_same_v<T, standard_mark> || std::is_enum_v<T> || detail::is_integer_v<T>) {
    } else {
        detail::for_each_member(value, [&](std::string_view, const auto& member) { measure(member, out); });
    }
}

// --- baselines ----------------------------------------------------------------------------------------------

/// Tokenizing only: the floor any decoder built on Boost.JSON's parser pays.
struct null_handler {
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);
    bool on_document_begin(json::error_code&) { return true; }
    bool on_document_end(json::error_code&) { return true; }
    bool on_object_begin(json::error_code&) { return true; }
    bool on_object_end(std::size_t, json::error_code&) { return true; }
    bool on_array_begin(json::error_code&) { return true; }
    bool on_array_end(std::size_t, json::error_code&) { return true; }
    bool on_key_part(json::string_view, std::size_t, json::error_code&) { return true; }
    bool on_key(json::string_view, std::size_t, json::error_code&) { return true; }
    bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
    bool on_string(json::string_view, std::size_t, json::error_code&) { return true; }
    bool on_number_part(json::string_view, json::error_code&) { return true; }
    bool on_int64(std::int64_t, json::string_view, json::error_code&) { return true; }
    bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return true; }
    bool on_double(double, json::string_view, json::error_code&) { return true; }
    bool on_bool(bool, json::error_code&) { return true; }
    bool on_null(json::error_code&) { return true; }
    bool on_comment_part(json::string_view, json::error_code&) { return true; }
    bool on_comment(json::string_view, json::error_code&) { return true; }
};

/// Boost's own value_to applies only to described structs without described bases (so no response: they
/// all derive from response_envelope), whose members all have conversions (our wire enums are deliberately
/// not described as strings, and standard_mark has none). It is also strict: every key present, no extra
/// key, so a live body with CompleteTime, or a request without its optional AssistFlags, fails.
template <class T>
constexpr bool boost_value_to_applies = std::is_same_v<T, del_contact_group_request> ||
                                        std::is_same_v<T, get_contact_group_request> ||
                                        std::is_same_v<T, get_list_request>;

/// A boost::json DOM built from a described struct (the encode baseline).
template <class T>
json::value to_dom(const T& value, json::storage_ptr sp) {
    if constexpr (detail::is_optional<T>::value) {
        return to_dom(*value, sp);
    } else if constexpr (detail::is_vector<T>::value) {
        json::array out(sp);
        out.reserve(value.size());
        for (const auto& item : value) out.push_back(to_dom(item, sp));
        return out;
    } else if constexpr (std::is_same_v<T, std::string>) {
        return json::string(value, sp);
    } else if constexpr (std::is_same_v<T, standard_mark>) {
        return json::string(value.to_string(), sp);
    } else if constexpr (std::is_enum_v<T>) {
        return json::value(static_cast<std::int64_t>(value), sp);
    } else if constexpr (detail::is_integer_v<T>) {
        return json::value(value, sp);
    } else {
        json::object out(sp);
        out.reserve(boost::mp11::mp_size<detail::wire_members<T>>::value);
        detail::for_each_member(value, [&](std::string_view name, const auto& member) {
            using member_type = detail::remove_cvref_t<decltype(member)>;
            if constexpr (detail::is_optional<member_type>::value)
                if (!member) return;
            out.emplace(name, to_dom(member, sp));
        });
        return out;
    }
}

#ifdef TCCHAT_BENCH_HAVE_NLOHMANN
// nlohmann::json + a hand-written mapping: what a service without a reflective codec writes. Tolerant like
// ours on what the benchmark feeds it (optional keys may be absent, enums may be numeric strings).
namespace nl {
using nlohmann::json;

void read(const json& j, contact_item& o);
void read(const json& j, group_item& o);
void read(const json& j, contact_mark_item& o);
void read(const json& j, contact_result& o);
void read(const json& j, group_contact_item& o);
void read(const json& j, group_result_item& o);
void read(const json& j, session_item& o);
void read(const json& j, mark_item& o);
void read(const json& j, mark_result& o);
void read(const json& j, contact_update_item& o);
void read(const json& j, update_group& o);
void read(const json& j, contact_update_result& o);
void read(const json& j, update_group_result& o);

inline void read(const json& j, std::string& o) { o = j.get_ref<const std::string&>(); }
inline void read(const json& j, std::int32_t& o) { o = j.get<std::int32_t>(); }
inline void read(const json& j, std::int64_t& o) { o = j.get<std::int64_t>(); }
inline void read(const json& j, std::uint64_t& o) { o = j.get<std::uint64_t>(); }
inline void read(const json& j, standard_mark& o) { o = standard_mark::parse(j.get_ref<const std::string&>()).value(); }
template <class E, std::enable_if_t<std::is_enum_v<E>, int> = 0>
void read(const json& j, E& o) {
    o = static_cast<E>(j.is_string() ? std::stoi(j.get_ref<const std::string&>()) : j.get<std::int32_t>());
}
template <class T>
void read(const json& j, std::vector<T>& o) {
    o.clear();
    o.reserve(j.size());
    for (const json& item : j) read(item, o.emplace_back());
}
template <class T>
void read(const json& j, std::optional<T>& o) {
    if (j.is_null()) o.reset();
    else read(j, o.emplace());
}
template <class T>
void field(const json& j, const char* key, T& o) {
    const auto it = j.find(key);
    if (it != j.end()) read(*it, o);
    else if constexpr (detail::is_optional<T>::value) o.reset();
    else throw std::runtime_error(std::string("missing ") + key);
}
void envelope(const json& j, response_envelope& o) {
    field(j, "ActionStatus", o.ActionStatus);
    field(j, "ErrorCode", o.ErrorCode);
    field(j, "ErrorInfo", o.ErrorInfo);
    field(j, "ErrorDisplay", o.ErrorDisplay);
}

void read(const json& j, contact_item& o) {
    field(j, "Type", o.Type);
    field(j, "To_Account", o.To_Account);
    field(j, "ToGroupId", o.ToGroupId);
}
void read(const json& j, group_item& o) {
    field(j, "GroupName", o.GroupName);
    field(j, "GroupId", o.GroupId);
}
void read(const json& j, contact_mark_item& o) {
    field(j, "Type", o.Type);
    field(j, "To_Account", o.To_Account);
    field(j, "ToGroupId", o.ToGroupId);
    field(j, "StandardMark", o.StandardMark);
    field(j, "CustomMark", o.CustomMark);
    field(j, "ContactGroupId", o.ContactGroupId);
    field(j, "Timestamp", o.Timestamp);
}
void read(const json& j, contact_result& o) {
    field(j, "ContactItem", o.ContactItem);
    field(j, "ResultCode", o.ResultCode);
    field(j, "ResultInfo", o.ResultInfo);
}
void read(const json& j, group_contact_item& o) {
    field(j, "GroupName", o.GroupName);
    field(j, "ContactItem", o.ContactItem);
}
void read(const json& j, group_result_item& o) {
    field(j, "GroupItem", o.GroupItem);
    field(j, "ResultItem", o.ResultItem);
}
void read(const json& j, session_item& o) {
    field(j, "Type", o.Type);
    field(j, "To_Account", o.To_Account);
    field(j, "GroupId", o.GroupId);
    field(j, "MsgTime", o.MsgTime);
    field(j, "TopFlag", o.TopFlag);
    field(j, "StandardMark", o.StandardMark);
    field(j, "CustomMark", o.CustomMark);
    field(j, "ContactGroupId", o.ContactGroupId);
}
void read(const json& j, mark_item& o) {
    field(j, "OptType", o.OptType);
    field(j, "ContactItem", o.ContactItem);
    field(j, "SetMark", o.SetMark);
    field(j, "ClearMark", o.ClearMark);
    field(j, "CustomMark", o.CustomMark);
}
void read(const json& j, mark_result& o) {
    field(j, "OptType", o.OptType);
    field(j, "ContactItem", o.ContactItem);
    field(j, "ResultCode", o.ResultCode);
    field(j, "ResultInfo", o.ResultInfo);
}
void read(const json& j, contact_update_item& o) {
    field(j, "ContactOptType", o.ContactOptType);
    field(j, "ContactItem", o.ContactItem);
}
void read(const json& j, update_group& o) {
    field(j, "UpdateGroupType", o.UpdateGroupType);
    field(j, "OldGroupName", o.OldGroupName);
    field(j, "NewGroupName", o.NewGroupName);
    field(j, "ContactUpdateItem", o.ContactUpdateItem);
}
void read(const json& j, contact_update_result& o) {
    field(j, "ContactOptType", o.ContactOptType);
    field(j, "ContactItem", o.ContactItem);
    field(j, "ResultCode", o.ResultCode);
    field(j, "ResultInfo", o.ResultInfo);
}
void read(const json& j, update_group_result& o) {
    field(j, "UpdateGroupType", o.UpdateGroupType);
    field(j, "GroupName", o.GroupName);
    field(j, "GroupId", o.GroupId);
    field(j, "OldGroupName", o.OldGroupName);
    field(j, "ContactResultItem", o.ContactResultItem);
}

void read(const json& j, create_contact_group_request& o) {
    field(j, "From_Account", o.From_Account);
    field(j, "GroupContactItem", o.GroupContactItem);
}
void read(const json& j, create_contact_group_response& o) {
    envelope(j, o);
    field(j, "GroupResultItem", o.GroupResultItem);
}
void read(const json& j, del_contact_group_request& o) {
    field(j, "From_Account", o.From_Account);
    field(j, "GroupName", o.GroupName);
}
void read(const json& j, del_contact_group_response& o) {
    envelope(j, o);
    field(j, "GroupItem", o.GroupItem);
}
void read(const json& j, delete_request& o) {
    field(j, "From_Account", o.From_Account);
    field(j, "Type", o.Type);
    field(j, "To_Account", o.To_Account);
    field(j, "ToGroupid", o.ToGroupid);
    field(j, "ClearRamble", o.ClearRamble);
}
void read(const json& j, delete_response& o) { envelope(j, o); }
void read(const json& j, get_contact_group_request& o) {
    field(j, "From_Account", o.From_Account);
    field(j, "StartIndex", o.StartIndex);
}
void read(const json& j, get_contact_group_response& o) {
    envelope(j, o);
    field(j, "ContactItem", o.ContactItem);
    field(j, "GroupItem", o.GroupItem);
    field(j, "CompleteFlag", o.CompleteFlag);
    field(j, "NextStartIndex", o.NextStartIndex);
    field(j, "CompleteTime", o.CompleteTime);
}
void read(const json& j, get_list_request& o) {
    field(j, "From_Account", o.From_Account);
    field(j, "TimeStamp", o.TimeStamp);
    field(j, "StartIndex", o.StartIndex);
    field(j, "TopTimeStamp", o.TopTimeStamp);
    field(j, "TopStartIndex", o.TopStartIndex);
    field(j, "AssistFlags", o.AssistFlags);
}
void read(const json& j, get_list_response& o) {
    envelope(j, o);
    field(j, "SessionItem", o.SessionItem);
    field(j, "CompleteFlag", o.CompleteFlag);
    field(j, "TimeStamp", o.TimeStamp);
    field(j, "StartIndex", o.StartIndex);
    field(j, "TopTimeStamp", o.TopTimeStamp);
    field(j, "TopStartIndex", o.TopStartIndex);
}
void read(const json& j, mark_contact_request& o) {
    field(j, "From_Account", o.From_Account);
    field(j, "MarkItem", o.MarkItem);
}
void read(const json& j, mark_contact_response& o) {
    envelope(j, o);
    field(j, "ResultItem", o.ResultItem);
}
void read(const json& j, search_contact_group_request& o) {
    field(j, "From_Account", o.From_Account);
    field(j, "ContactItem", o.ContactItem);
}
void read(const json& j, search_contact_group_response& o) {
    envelope(j, o);
    field(j, "ContactResultItem", o.ContactResultItem);
    field(j, "GroupItem", o.GroupItem);
}
void read(const json& j, update_contact_group_request& o) {
    field(j, "From_Account", o.From_Account);
    field(j, "UpdateType", o.UpdateType);
    field(j, "UpdateGroup", o.UpdateGroup);
}
void read(const json& j, update_contact_group_response& o) {
    envelope(j, o);
    field(j, "UpdateType", o.UpdateType);
    field(j, "UpdateGroupResult", o.UpdateGroupResult);
}

template <class T>
T decode(std::string_view text) {
    T out{};
    read(json::parse(text.begin(), text.end()), out);
    return out;
}
} // namespace nl
#endif

// --- benchmarks ---------------------------------------------------------------------------------------------

/// Every allocation of the program so far: operator new's, and the Rust anchor's (Rust allocates with malloc).
std::size_t allocations_so_far() {
#ifdef TCCHAT_BENCH_HAVE_SERDE
    return heap::allocations + static_cast<std::size_t>(tcchat_serde_allocations());
#else
    return heap::allocations;
#endif
}

/// Allocations per iteration, measured around the timed loop.
class allocation_counter {
public:
    explicit allocation_counter(benchmark::State& state) : state_(state), start_(allocations_so_far()) {}
    ~allocation_counter() {
        state_.counters["allocs"] = benchmark::Counter(static_cast<double>(allocations_so_far() - start_),
                                                       benchmark::Counter::kAvgIterations);
    }

private:
    benchmark::State& state_;
    std::size_t start_;
};

[[noreturn]] void die(const std::string& message) {
    std::fprintf(stderr, "bench_codec: %s\n", message.c_str());
    std::exit(1);
}

// --- anchors: the fastest decoders and encoders a user would compare with, into the same structs ----------------

#ifdef TCCHAT_BENCH_HAVE_RAPIDJSON
/// RapidJSON's allocator interface over the counted heap (its default, CrtAllocator, calls malloc unseen).
struct counted_allocator {
    static const bool kNeedFree = true;
    void* Malloc(std::size_t size) { return size == 0 ? nullptr : heap::take(std::malloc(size)); }
    void* Realloc(void* p, std::size_t, std::size_t size) {
        if (size == 0) {
            std::free(p);
            return nullptr;
        }
        ++heap::allocations; // not tracked by the memory benchmarks, which do not run RapidJSON
        return std::realloc(p, size);
    }
    static void Free(void* p) { std::free(p); }
};
#endif

/// Stops the program unless an anchor decoded what tcchat decoded: the same checksum over every member, and the
/// same bytes once encoded by tcchat::encode.
template <class T>
void check_decoded(const input& in, const char* anchor, const T& got, const T& expected, const std::string& encoded) {
    if (tcchat_bench::checksum(got) != tcchat_bench::checksum(expected))
        die(in.name + ": the " + anchor + " anchor decodes differently from tcchat (checksum)");
    if (encode(got) != encoded) die(in.name + ": the " + anchor + " anchor decodes differently from tcchat (encoding)");
}

[[maybe_unused]] void check_encoded(const input& in, const char* anchor, std::string_view got,
                                    const std::string& encoded) {
    if (got != encoded) die(in.name + ": the " + anchor + " anchor encodes differently from tcchat::encode");
}

/// The anchors' decode of `in` and encode of `value` (what tcchat decoded from it), checked, then registered.
template <class T, class Add>
void register_anchors([[maybe_unused]] const input& in, [[maybe_unused]] const T& value,
                      [[maybe_unused]] const std::string& encoded, [[maybe_unused]] Add add) {
    [[maybe_unused]] const std::string& text = in.text;
#ifdef TCCHAT_BENCH_HAVE_SIMDJSON
    {
        tcchat_bench::simdjson_anchor probe(text);
        T decoded{};
        if (const char* failure = probe.decode(decoded)) die(in.name + ": the simdjson anchor fails: " + failure);
        check_decoded(in, "simdjson", decoded, value, encoded);
    }
    add("anchor_simdjson", [text](benchmark::State& state) {
        tcchat_bench::simdjson_anchor anchor(text); // the padded input and the parser, made once
        {
            T warm{}; // the parser sizes its buffers on its first document, outside the count
            benchmark::DoNotOptimize(anchor.decode(warm));
        }
        allocation_counter count(state);
        for (auto _ : state) {
            T r{};
            benchmark::DoNotOptimize(anchor.decode(r));
            benchmark::DoNotOptimize(r);
        }
    });
#endif
#ifdef TCCHAT_BENCH_HAVE_RAPIDJSON
    using namespace tcchat_bench::rapidjson_anchor;
    {
        const auto probe = [&](auto validate_utf8) {
            decoder<counted_allocator, decltype(validate_utf8)::value> anchor;
            T decoded{};
            if (const char* failure = anchor.decode(text, decoded))
                die(in.name + ": the RapidJSON anchor fails: " + failure);
            check_decoded(in, "RapidJSON", decoded, value, encoded);
        };
        probe(std::false_type{});
        probe(std::true_type{});
        encoder<counted_allocator> writer;
        const auto out = writer.encode(value);
        check_encoded(in, "RapidJSON", std::string_view(out.GetString(), out.GetSize()), encoded);
    }
    const auto rapidjson_decode = [&](const char* method, auto validate_utf8) {
        add(method, [text](benchmark::State& state) {
            decoder<counted_allocator, decltype(validate_utf8)::value> anchor; // one Reader and one text buffer
            {
                T warm{}; // the Reader's stack and the buffer take their size on the first document
                benchmark::DoNotOptimize(anchor.decode(text, warm));
            }
            allocation_counter count(state);
            for (auto _ : state) {
                T r{};
                benchmark::DoNotOptimize(anchor.decode(text, r));
                benchmark::DoNotOptimize(r);
            }
        });
    };
    rapidjson_decode("anchor_rapidjson", std::false_type{});
    // The same with UTF-8 validated, as the other decoders do; on the pages only (it is far slower, and the samples
    // are ASCII).
    if (in.name.find(":page") != std::string::npos) rapidjson_decode("anchor_rapidjson_utf8", std::true_type{});
    add("anchor_rapidjson_encode", [value](benchmark::State& state) {
        encoder<counted_allocator> anchor; // one Writer: its level stack keeps its capacity
        benchmark::DoNotOptimize(anchor.encode(value).GetSize());
        allocation_counter count(state);
        for (auto _ : state) {
            const auto out = anchor.encode(value);
            benchmark::DoNotOptimize(out.GetString());
        }
    });
#endif
#ifdef TCCHAT_BENCH_HAVE_SERDE
    {
        const std::string command = in.name.substr(0, in.name.find('.'));
        const std::string message = command + (in.type % 2 == 0 ? ".request" : ".response");
        const std::int32_t kind = tcchat_serde_kind(message.data(), message.size());
        if (kind < 0) die(in.name + ": the serde_json anchor has no " + message);
        char failure[256] = "";
        std::shared_ptr<void> kept(tcchat_serde_load(kind, text.data(), text.size(), failure, sizeof failure),
                                   tcchat_serde_free);
        if (!kept) die(in.name + ": the serde_json anchor fails: " + failure);
        if (tcchat_serde_checksum(kept.get()) != tcchat_bench::checksum(value))
            die(in.name + ": the serde_json anchor decodes differently from tcchat (checksum)");
        std::string out(tcchat_serde_encode_copy(kept.get(), nullptr, 0), '\0');
        tcchat_serde_encode_copy(kept.get(), out.data(), out.size());
        check_encoded(in, "serde_json", out, encoded);
        add("anchor_serde", [text, kind](benchmark::State& state) {
            allocation_counter count(state);
            for (auto _ : state) benchmark::DoNotOptimize(tcchat_serde_decode(kind, text.data(), text.size()));
        });
        add("anchor_serde_encode", [kept](benchmark::State& state) {
            allocation_counter count(state);
            for (auto _ : state) benchmark::DoNotOptimize(tcchat_serde_encode(kept.get()));
        });
    }
#endif
}

template <class T>
void register_type(const input& in) {
    const std::string text = in.text;
    auto decoded = decode<T>(text);
    if (!decoded) die(in.name + ": " + decoded.error().message);
    const T value = *decoded;
    const std::string encoded = encode(value);
    footprint expected;
    measure(value, expected);
    const auto bytes = static_cast<std::int64_t>(text.size());
    const auto add = [&](const std::string& method, auto body) {
        benchmark::RegisterBenchmark((method + "/" + in.name).c_str(), [=](benchmark::State& state) {
            body(state);
            state.SetBytesProcessed(state.iterations() * bytes);
            state.counters["input_bytes"] = static_cast<double>(bytes);
            state.counters["heap_strings"] = static_cast<double>(expected.heap_strings);
            state.counters["vectors"] = static_cast<double>(expected.vectors);
        });
    };

    add("tokenize", [text](benchmark::State& state) {
        json::basic_parser<null_handler> parser(json::parse_options{});
        allocation_counter count(state);
        for (auto _ : state) {
            parser.reset();
            json::error_code ec;
            benchmark::DoNotOptimize(parser.write_some(false, text.data(), text.size(), ec));
        }
    });
    add("decode", [text](benchmark::State& state) {
        allocation_counter count(state);
        for (auto _ : state) {
            auto r = decode<T>(text);
            benchmark::DoNotOptimize(r);
        }
    });
    if constexpr (tcchat_bench::hand_written::exists<T>) {
        T probe{};
        if (!tcchat_bench::hand_written::decode(text, probe)) die(in.name + ": the hand-written handler fails");
        check_decoded(in, "hand-written handler", probe, value, encoded);
        add("hand_written", [text](benchmark::State& state) {
            allocation_counter count(state);
            for (auto _ : state) {
                T r{};
                benchmark::DoNotOptimize(tcchat_bench::hand_written::decode(text, r));
                benchmark::DoNotOptimize(r);
            }
        });
    }
    // What building the result costs by itself: the same strings and vectors, allocated and freed.
    add("copy_result", [value](benchmark::State& state) {
        allocation_counter count(state);
        for (auto _ : state) {
            T copy = value;
            benchmark::DoNotOptimize(copy);
        }
    });
    add("decode_dom", [text](benchmark::State& state) {
        allocation_counter count(state);
        for (auto _ : state) {
            auto r = decode_dom<T>(text);
            benchmark::DoNotOptimize(r);
        }
    });
    add("parse", [text](benchmark::State& state) {
        allocation_counter count(state);
        for (auto _ : state) {
            json::value v = json::parse(text);
            benchmark::DoNotOptimize(v);
        }
    });
    add("parse_arena", [text](benchmark::State& state) {
        allocation_counter count(state);
        for (auto _ : state) {
            unsigned char scratch[4096];
            json::monotonic_resource arena(scratch, sizeof scratch);
            json::value v = json::parse(text, &arena);
            benchmark::DoNotOptimize(v);
        }
    });
    if constexpr (boost_value_to_applies<T>) {
        add("value_to", [text](benchmark::State& state) {
            {
                unsigned char scratch[4096];
                json::monotonic_resource arena(scratch, sizeof scratch);
                auto probe = json::try_value_to<T>(json::parse(text, &arena));
                if (!probe) {
                    state.SkipWithError(("value_to rejects this body: " + probe.error().message()).c_str());
                    return;
                }
            }
            allocation_counter count(state);
            for (auto _ : state) {
                unsigned char scratch[4096];
                json::monotonic_resource arena(scratch, sizeof scratch);
                auto r = json::try_value_to<T>(json::parse(text, &arena));
                benchmark::DoNotOptimize(r);
            }
        });
    }
#ifdef TCCHAT_BENCH_HAVE_NLOHMANN
    if (encode(nl::decode<T>(text)) != encoded) die(in.name + ": the nlohmann mapping decodes differently");
    add("nlohmann", [text](benchmark::State& state) {
        allocation_counter count(state);
        for (auto _ : state) {
            T r = nl::decode<T>(text);
            benchmark::DoNotOptimize(r);
        }
    });
    add("nlohmann_parse", [text](benchmark::State& state) {
        allocation_counter count(state);
        for (auto _ : state) {
            auto j = nlohmann::json::parse(text.begin(), text.end());
            benchmark::DoNotOptimize(j);
        }
    });
#endif
    if (json::parse(json::serialize(to_dom(value, {}))) != json::parse(encoded))
        die(in.name + ": the DOM-building encoder encodes differently");
    add("encode", [value](benchmark::State& state) {
        allocation_counter count(state);
        for (auto _ : state) {
            std::string out = encode(value);
            benchmark::DoNotOptimize(out);
        }
    });
    add("encode_dom", [value](benchmark::State& state) {
        allocation_counter count(state);
        for (auto _ : state) {
            std::string out = json::serialize(to_dom(value, {}));
            benchmark::DoNotOptimize(out);
        }
    });
    add("encode_dom_arena", [value](benchmark::State& state) {
        allocation_counter count(state);
        for (auto _ : state) {
            unsigned char scratch[4096];
            json::monotonic_resource arena(scratch, sizeof scratch);
            std::string out = json::serialize(to_dom(value, &arena));
            benchmark::DoNotOptimize(out);
        }
    });
    register_anchors<T>(in, value, encoded, add);
}

template <class Endpoint>
using request_of = typename Endpoint::request;
template <class T>
constexpr bool is_request = boost::mp11::mp_contains<boost::mp11::mp_transform<request_of, all_endpoints>, T>::value;

template <class T>
void register_validate(const input& in) {
    if constexpr (is_request<T>) {
        const T value = *decode<T>(in.text);
        const bool valid = validate(value).ok();
        benchmark::RegisterBenchmark(("validate/" + in.name).c_str(), [value, valid](benchmark::State& state) {
            allocation_counter count(state);
            for (auto _ : state) {
                auto r = validate(value);
                benchmark::DoNotOptimize(r);
            }
            state.counters["valid"] = valid ? 1 : 0;
        });
    }
}

/// Peak heap while decoding: (input + peak growth during the decode) / (input + what the result holds).
template <class T, class Decode>
void register_memory(const input& in, const std::string& method, Decode decode_once) {
    const std::string text = in.text;
    benchmark::RegisterBenchmark(("memory_" + method + "/" + in.name).c_str(), [text, decode_once](benchmark::State& state) {
        std::size_t held = 0, peak = 0;
        for (auto _ : state) {
            heap::live = heap::peak = 0; // counts only what is allocated (and freed) from here on
            heap::tracking = true;
            {
                auto r = decode_once(text);
                held = heap::live;
                peak = heap::peak;
                benchmark::DoNotOptimize(r);
            }
            heap::tracking = false;
        }
        const auto input_bytes = static_cast<double>(text.size());
        state.counters["input_bytes"] = input_bytes;
        state.counters["result_bytes"] = static_cast<double>(held);
        state.counters["peak_bytes"] = static_cast<double>(peak);
        state.counters["peak_ratio"] = (input_bytes + static_cast<double>(peak)) / (input_bytes + static_cast<double>(held));
    })->Iterations(20);
}

// --- the client: one call over a transport that answers a canned body, against encode + decode ---------------

struct canned_transport {
    std::shared_ptr<const std::string> body;
    tcchat::result<tcchat::http_response> send(const tcchat::http_request&) { return tcchat::http_response{200, *body}; }
};

/// The first sample of `command` in one direction ("request" or "response").
std::string first_sample(const std::string& command, const std::string& direction) {
    for (const input& in : inputs())
        if (in.name.rfind(command + "." + direction, 0) == 0) return in.text;
    die("no " + direction + " sample for " + command);
    return {};
}

void register_client_calls() {
    boost::mp11::mp_for_each<all_endpoints>([](auto endpoint) {
        using E = decltype(endpoint);
        const std::string command(E::command);
        const auto request = *decode<typename E::request>(first_sample(command, "request"));
        const auto answer = std::make_shared<const std::string>(first_sample(command, "response"));
        benchmark::RegisterBenchmark(("client_call/" + command).c_str(), [request, answer](benchmark::State& state) {
            tcchat::client_options options; // what a call adds: validation, URL, usersig cache, envelope check
            options.identity = {1400000000, "administrator"};
            options.usersig = tcchat::fixed_usersig("usersig");
            options.limiter = nullptr; // a 200/s limiter would measure the limit, not the client
            tcchat::client<canned_transport> client(canned_transport{answer}, options);
            allocation_counter count(state);
            for (auto _ : state) {
                auto r = client.call(request);
                if (!r) state.SkipWithError(r.error().message.c_str());
                benchmark::DoNotOptimize(r);
            }
        });
        // What the canned transport itself costs (copying the answer into an http_response): not the client's.
        benchmark::RegisterBenchmark(("transport_send/" + command).c_str(), [answer](benchmark::State& state) {
            canned_transport transport{answer};
            const tcchat::http_request request;
            allocation_counter count(state);
            for (auto _ : state) {
                auto r = transport.send(request);
                benchmark::DoNotOptimize(r);
            }
        });
        benchmark::RegisterBenchmark(("encode_decode/" + command).c_str(), [request, answer](benchmark::State& state) {
            allocation_counter count(state);
            for (auto _ : state) {
                std::string body = encode(request);
                auto r = decode<typename E::response>(*answer);
                benchmark::DoNotOptimize(body);
                benchmark::DoNotOptimize(r);
            }
        });
    });
}

} // namespace

int main(int argc, char** argv) {
    register_client_calls();
    for (const input& in : inputs()) {
        visit_type(in.type, [&](auto tag) {
            using T = decltype(tag);
            register_type<T>(in);
            register_validate<T>(in);
            if (in.name.find(":page") != std::string::npos) {
                register_memory<T>(in, "decode", [](const std::string& text) { return *decode<T>(text); });
                register_memory<T>(in, "decode_dom", [](const std::string& text) { return *decode_dom<T>(text); });
#ifdef TCCHAT_BENCH_HAVE_NLOHMANN
                register_memory<T>(in, "nlohmann", [](const std::string& text) { return nl::decode<T>(text); });
#endif
            }
        });
    }
    // Which anchors this binary has (bench/report.py names the absent ones), and simdjson's On-Demand kernel.
    std::string present, absent;
    const auto note = [&](const char* name, bool built) {
        std::string& list = built ? present : absent;
        list += (list.empty() ? "" : ",") + std::string(name);
    };
#ifdef TCCHAT_BENCH_HAVE_SIMDJSON
    note("simdjson", true);
    benchmark::AddCustomContext("simdjson_kernel", tcchat_bench::simdjson_anchor::kernel());
    benchmark::AddCustomContext("simdjson_version", tcchat_bench::simdjson_anchor::version());
#else
    note("simdjson", false);
#endif
#ifdef TCCHAT_BENCH_HAVE_RAPIDJSON
    note("rapidjson", true);
    benchmark::AddCustomContext("rapidjson_version", RAPIDJSON_VERSION_STRING);
#else
    note("rapidjson", false);
#endif
#ifdef TCCHAT_BENCH_HAVE_SERDE
    note("serde_json", true);
    benchmark::AddCustomContext("serde_json_version", TCCHAT_BENCH_SERDE_JSON_VERSION);
#else
    note("serde_json", false);
#endif
    benchmark::AddCustomContext("anchors_present", present);
    benchmark::AddCustomContext("anchors_absent", absent);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
