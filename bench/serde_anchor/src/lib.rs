//! The serde_json anchor of tcchat's benchmarks: the Tencent Cloud Chat v4/recentcontact messages declared as a Rust
//! SDK would declare them (one struct per object, `rename` to the exact wire key, `Option` members skipped when
//! `None`), decoded with `serde_json::from_str` and encoded with `serde_json::to_string`, behind a C ABI.
//!
//! Mirrors include/tcchat/model.hpp and api/*.hpp member for member, in the same order:
//! - wire enums are `i32` (what the server sends, any value kept), as tcchat's open enums are;
//! - `StandardMark` is a `u64` read from and written as its binary numeral, with tcchat's rules;
//! - the response envelope's four members are repeated in every response, first, as tcchat's base class puts them:
//!   `#[serde(flatten)]` would buffer every member through serde's `Content` and cost about twice the decode.
//!
//! The C side checks every decode against tcchat's before timing: `tcchat_serde_checksum` is the checksum of
//! bench/anchor_checksum.hpp (FNV-1a over every member in wire order), and `tcchat_serde_encode_copy` must give
//! tcchat::encode's bytes.
#![allow(non_snake_case)]

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt;
use std::hint::black_box;
use std::os::raw::c_void;
use std::sync::atomic::{AtomicU64, Ordering};

// --- allocation count (the C++ side counts its operator new the same way: a plain counter, no lock) ----------

struct Counting;
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // Single-threaded benchmark: a load and a store, not a locked increment that would tax every allocation.
        ALLOCATIONS.store(ALLOCATIONS.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.store(ALLOCATIONS.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

// --- StandardMark: a binary numeral, rightmost character bit 0, leading zeros allowed, "" = no marks --------------

#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct StandardMark(pub u64);

impl Serialize for StandardMark {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut text = [0u8; 64];
        let digits = 64 - self.0.leading_zeros() as usize;
        for (i, c) in text[..digits].iter_mut().enumerate() {
            *c = b'0' + ((self.0 >> (digits - 1 - i)) & 1) as u8;
        }
        // Only '0' and '1' were written.
        serializer.serialize_str(std::str::from_utf8(&text[..digits]).unwrap_or_default())
    }
}

impl<'de> Deserialize<'de> for StandardMark {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Numeral;
        impl<'de> Visitor<'de> for Numeral {
            type Value = StandardMark;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a binary numeral of at most 64 significant bits")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<StandardMark, E> {
                let digits = text.trim_start_matches('0').as_bytes();
                if digits.len() > 64 {
                    return Err(E::custom("StandardMark has more than 64 significant bits"));
                }
                let mut value = 0u64;
                for &c in digits {
                    if c != b'0' && c != b'1' {
                        return Err(E::custom("StandardMark must contain only the characters 0 and 1"));
                    }
                    value = (value << 1) | u64::from(c - b'0');
                }
                Ok(StandardMark(value))
            }
        }
        deserializer.deserialize_str(Numeral)
    }
}

// --- the messages (include/tcchat/model.hpp, include/tcchat/api/*.hpp) ----------------------------------------

#[derive(Serialize, Deserialize)]
pub struct ContactItem {
    #[serde(rename = "Type")]
    pub kind: i32,
    #[serde(rename = "To_Account", skip_serializing_if = "Option::is_none")]
    pub to_account: Option<String>,
    #[serde(rename = "ToGroupId", skip_serializing_if = "Option::is_none")]
    pub to_group_id: Option<String>,
}

#[derive(Serialize, Deserialize)]
pub struct GroupItem {
    #[serde(rename = "GroupName")]
    pub group_name: String,
    #[serde(rename = "GroupId")]
    pub group_id: u64,
}

#[derive(Serialize, Deserialize)]
pub struct ContactMarkItem {
    #[serde(rename = "Type")]
    pub kind: i32,
    #[serde(rename = "To_Account", skip_serializing_if = "Option::is_none")]
    pub to_account: Option<String>,
    #[serde(rename = "ToGroupId", skip_serializing_if = "Option::is_none")]
    pub to_group_id: Option<String>,
    #[serde(rename = "StandardMark", skip_serializing_if = "Option::is_none")]
    pub standard_mark: Option<StandardMark>,
    #[serde(rename = "CustomMark", skip_serializing_if = "Option::is_none")]
    pub custom_mark: Option<String>,
    #[serde(rename = "ContactGroupId", skip_serializing_if = "Option::is_none")]
    pub contact_group_id: Option<Vec<u64>>,
    #[serde(rename = "Timestamp", skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<i64>,
}

#[derive(Serialize, Deserialize)]
pub struct ContactResult {
    #[serde(rename = "ContactItem")]
    pub contact_item: ContactItem,
    #[serde(rename = "ResultCode")]
    pub result_code: i32,
    #[serde(rename = "ResultInfo")]
    pub result_info: String,
}

// create_contact_group

#[derive(Serialize, Deserialize)]
pub struct GroupContactItem {
    #[serde(rename = "GroupName")]
    pub group_name: String,
    #[serde(rename = "ContactItem")]
    pub contact_item: Vec<ContactItem>,
}

#[derive(Serialize, Deserialize)]
pub struct CreateContactGroupRequest {
    #[serde(rename = "From_Account")]
    pub from_account: String,
    #[serde(rename = "GroupContactItem")]
    pub group_contact_item: Vec<GroupContactItem>,
}

#[derive(Serialize, Deserialize)]
pub struct GroupResultItem {
    #[serde(rename = "GroupItem")]
    pub group_item: GroupItem,
    #[serde(rename = "ResultItem")]
    pub result_item: Vec<ContactResult>,
}

#[derive(Serialize, Deserialize)]
pub struct CreateContactGroupResponse {
    #[serde(rename = "ActionStatus")]
    pub action_status: String,
    #[serde(rename = "ErrorCode")]
    pub error_code: i32,
    #[serde(rename = "ErrorInfo")]
    pub error_info: String,
    #[serde(rename = "ErrorDisplay", skip_serializing_if = "Option::is_none")]
    pub error_display: Option<String>,
    #[serde(rename = "GroupResultItem", skip_serializing_if = "Option::is_none")]
    pub group_result_item: Option<Vec<GroupResultItem>>,
}

// del_contact_group

#[derive(Serialize, Deserialize)]
pub struct DelContactGroupRequest {
    #[serde(rename = "From_Account")]
    pub from_account: String,
    #[serde(rename = "GroupName")]
    pub group_name: Vec<String>,
}

#[derive(Serialize, Deserialize)]
pub struct DelContactGroupResponse {
    #[serde(rename = "ActionStatus")]
    pub action_status: String,
    #[serde(rename = "ErrorCode")]
    pub error_code: i32,
    #[serde(rename = "ErrorInfo")]
    pub error_info: String,
    #[serde(rename = "ErrorDisplay", skip_serializing_if = "Option::is_none")]
    pub error_display: Option<String>,
    #[serde(rename = "GroupItem", skip_serializing_if = "Option::is_none")]
    pub group_item: Option<Vec<GroupItem>>,
}

// delete

#[derive(Serialize, Deserialize)]
pub struct DeleteRequest {
    #[serde(rename = "From_Account")]
    pub from_account: String,
    #[serde(rename = "Type")]
    pub kind: i32,
    #[serde(rename = "To_Account", skip_serializing_if = "Option::is_none")]
    pub to_account: Option<String>,
    #[serde(rename = "ToGroupid", skip_serializing_if = "Option::is_none")]
    pub to_groupid: Option<String>,
    #[serde(rename = "ClearRamble", skip_serializing_if = "Option::is_none")]
    pub clear_ramble: Option<i32>,
}

#[derive(Serialize, Deserialize)]
pub struct DeleteResponse {
    #[serde(rename = "ActionStatus")]
    pub action_status: String,
    #[serde(rename = "ErrorCode")]
    pub error_code: i32,
    #[serde(rename = "ErrorInfo")]
    pub error_info: String,
    #[serde(rename = "ErrorDisplay", skip_serializing_if = "Option::is_none")]
    pub error_display: Option<String>,
}

// get_contact_group

#[derive(Serialize, Deserialize)]
pub struct GetContactGroupRequest {
    #[serde(rename = "From_Account")]
    pub from_account: String,
    #[serde(rename = "StartIndex")]
    pub start_index: i64,
}

#[derive(Serialize, Deserialize)]
pub struct GetContactGroupResponse {
    #[serde(rename = "ActionStatus")]
    pub action_status: String,
    #[serde(rename = "ErrorCode")]
    pub error_code: i32,
    #[serde(rename = "ErrorInfo")]
    pub error_info: String,
    #[serde(rename = "ErrorDisplay", skip_serializing_if = "Option::is_none")]
    pub error_display: Option<String>,
    #[serde(rename = "ContactItem", skip_serializing_if = "Option::is_none")]
    pub contact_item: Option<Vec<ContactMarkItem>>,
    #[serde(rename = "GroupItem", skip_serializing_if = "Option::is_none")]
    pub group_item: Option<Vec<GroupItem>>,
    #[serde(rename = "CompleteFlag", skip_serializing_if = "Option::is_none")]
    pub complete_flag: Option<i32>,
    #[serde(rename = "NextStartIndex", skip_serializing_if = "Option::is_none")]
    pub next_start_index: Option<i64>,
    #[serde(rename = "CompleteTime", skip_serializing_if = "Option::is_none")]
    pub complete_time: Option<i64>,
}

// get_list

#[derive(Serialize, Deserialize)]
pub struct GetListRequest {
    #[serde(rename = "From_Account")]
    pub from_account: String,
    #[serde(rename = "TimeStamp")]
    pub time_stamp: i64,
    #[serde(rename = "StartIndex")]
    pub start_index: i64,
    #[serde(rename = "TopTimeStamp")]
    pub top_time_stamp: i64,
    #[serde(rename = "TopStartIndex")]
    pub top_start_index: i64,
    #[serde(rename = "AssistFlags", skip_serializing_if = "Option::is_none")]
    pub assist_flags: Option<i64>,
}

#[derive(Serialize, Deserialize)]
pub struct SessionItem {
    #[serde(rename = "Type")]
    pub kind: i32,
    #[serde(rename = "To_Account", skip_serializing_if = "Option::is_none")]
    pub to_account: Option<String>,
    #[serde(rename = "GroupId", skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    #[serde(rename = "MsgTime")]
    pub msg_time: i64,
    #[serde(rename = "TopFlag")]
    pub top_flag: i32,
    #[serde(rename = "StandardMark", skip_serializing_if = "Option::is_none")]
    pub standard_mark: Option<StandardMark>,
    #[serde(rename = "CustomMark", skip_serializing_if = "Option::is_none")]
    pub custom_mark: Option<String>,
    #[serde(rename = "ContactGroupId", skip_serializing_if = "Option::is_none")]
    pub contact_group_id: Option<Vec<u64>>,
}

#[derive(Serialize, Deserialize)]
pub struct GetListResponse {
    #[serde(rename = "ActionStatus")]
    pub action_status: String,
    #[serde(rename = "ErrorCode")]
    pub error_code: i32,
    #[serde(rename = "ErrorInfo")]
    pub error_info: String,
    #[serde(rename = "ErrorDisplay", skip_serializing_if = "Option::is_none")]
    pub error_display: Option<String>,
    #[serde(rename = "SessionItem", skip_serializing_if = "Option::is_none")]
    pub session_item: Option<Vec<SessionItem>>,
    #[serde(rename = "CompleteFlag", skip_serializing_if = "Option::is_none")]
    pub complete_flag: Option<i32>,
    #[serde(rename = "TimeStamp", skip_serializing_if = "Option::is_none")]
    pub time_stamp: Option<i64>,
    #[serde(rename = "StartIndex", skip_serializing_if = "Option::is_none")]
    pub start_index: Option<i64>,
    #[serde(rename = "TopTimeStamp", skip_serializing_if = "Option::is_none")]
    pub top_time_stamp: Option<i64>,
    #[serde(rename = "TopStartIndex", skip_serializing_if = "Option::is_none")]
    pub top_start_index: Option<i64>,
}

// mark_contact

#[derive(Serialize, Deserialize)]
pub struct MarkItem {
    #[serde(rename = "OptType")]
    pub opt_type: i32,
    #[serde(rename = "ContactItem")]
    pub contact_item: ContactItem,
    #[serde(rename = "SetMark", skip_serializing_if = "Option::is_none")]
    pub set_mark: Option<Vec<i64>>,
    #[serde(rename = "ClearMark", skip_serializing_if = "Option::is_none")]
    pub clear_mark: Option<Vec<i64>>,
    #[serde(rename = "CustomMark", skip_serializing_if = "Option::is_none")]
    pub custom_mark: Option<String>,
}

#[derive(Serialize, Deserialize)]
pub struct MarkContactRequest {
    #[serde(rename = "From_Account")]
    pub from_account: String,
    #[serde(rename = "MarkItem")]
    pub mark_item: Vec<MarkItem>,
}

#[derive(Serialize, Deserialize)]
pub struct MarkResult {
    #[serde(rename = "OptType")]
    pub opt_type: i32,
    #[serde(rename = "ContactItem")]
    pub contact_item: ContactItem,
    #[serde(rename = "ResultCode")]
    pub result_code: i32,
    #[serde(rename = "ResultInfo")]
    pub result_info: String,
}

#[derive(Serialize, Deserialize)]
pub struct MarkContactResponse {
    #[serde(rename = "ActionStatus")]
    pub action_status: String,
    #[serde(rename = "ErrorCode")]
    pub error_code: i32,
    #[serde(rename = "ErrorInfo")]
    pub error_info: String,
    #[serde(rename = "ErrorDisplay", skip_serializing_if = "Option::is_none")]
    pub error_display: Option<String>,
    #[serde(rename = "ResultItem", skip_serializing_if = "Option::is_none")]
    pub result_item: Option<Vec<MarkResult>>,
}

// search_contact_group

#[derive(Serialize, Deserialize)]
pub struct SearchContactGroupRequest {
    #[serde(rename = "From_Account")]
    pub from_account: String,
    #[serde(rename = "ContactItem")]
    pub contact_item: Vec<ContactItem>,
}

#[derive(Serialize, Deserialize)]
pub struct SearchContactGroupResponse {
    #[serde(rename = "ActionStatus")]
    pub action_status: String,
    #[serde(rename = "ErrorCode")]
    pub error_code: i32,
    #[serde(rename = "ErrorInfo")]
    pub error_info: String,
    #[serde(rename = "ErrorDisplay", skip_serializing_if = "Option::is_none")]
    pub error_display: Option<String>,
    #[serde(rename = "ContactResultItem", skip_serializing_if = "Option::is_none")]
    pub contact_result_item: Option<Vec<ContactMarkItem>>,
    #[serde(rename = "GroupItem", skip_serializing_if = "Option::is_none")]
    pub group_item: Option<Vec<GroupItem>>,
}

// update_contact_group

#[derive(Serialize, Deserialize)]
pub struct ContactUpdateItem {
    #[serde(rename = "ContactOptType")]
    pub contact_opt_type: i32,
    #[serde(rename = "ContactItem")]
    pub contact_item: ContactItem,
}

#[derive(Serialize, Deserialize)]
pub struct UpdateGroup {
    #[serde(rename = "UpdateGroupType")]
    pub update_group_type: i32,
    #[serde(rename = "OldGroupName")]
    pub old_group_name: String,
    #[serde(rename = "NewGroupName", skip_serializing_if = "Option::is_none")]
    pub new_group_name: Option<String>,
    #[serde(rename = "ContactUpdateItem", skip_serializing_if = "Option::is_none")]
    pub contact_update_item: Option<Vec<ContactUpdateItem>>,
}

#[derive(Serialize, Deserialize)]
pub struct UpdateContactGroupRequest {
    #[serde(rename = "From_Account")]
    pub from_account: String,
    #[serde(rename = "UpdateType")]
    pub update_type: i32,
    #[serde(rename = "UpdateGroup", skip_serializing_if = "Option::is_none")]
    pub update_group: Option<UpdateGroup>,
}

#[derive(Serialize, Deserialize)]
pub struct ContactUpdateResult {
    #[serde(rename = "ContactOptType")]
    pub contact_opt_type: i32,
    #[serde(rename = "ContactItem")]
    pub contact_item: ContactItem,
    #[serde(rename = "ResultCode")]
    pub result_code: i32,
    #[serde(rename = "ResultInfo")]
    pub result_info: String,
}

#[derive(Serialize, Deserialize)]
pub struct UpdateGroupResult {
    #[serde(rename = "UpdateGroupType")]
    pub update_group_type: i32,
    #[serde(rename = "GroupName")]
    pub group_name: String,
    #[serde(rename = "GroupId")]
    pub group_id: u64,
    #[serde(rename = "OldGroupName")]
    pub old_group_name: String,
    #[serde(rename = "ContactResultItem", skip_serializing_if = "Option::is_none")]
    pub contact_result_item: Option<Vec<ContactUpdateResult>>,
}

#[derive(Serialize, Deserialize)]
pub struct UpdateContactGroupResponse {
    #[serde(rename = "ActionStatus")]
    pub action_status: String,
    #[serde(rename = "ErrorCode")]
    pub error_code: i32,
    #[serde(rename = "ErrorInfo")]
    pub error_info: String,
    #[serde(rename = "ErrorDisplay", skip_serializing_if = "Option::is_none")]
    pub error_display: Option<String>,
    #[serde(rename = "UpdateType", skip_serializing_if = "Option::is_none")]
    pub update_type: Option<i32>,
    #[serde(rename = "UpdateGroupResult", skip_serializing_if = "Option::is_none")]
    pub update_group_result: Option<UpdateGroupResult>,
}

// --- the checksum of bench/anchor_checksum.hpp: FNV-1a 64 over every member in wire order ------------------------
// integers: 8 bytes little-endian (signed ones sign-extended to 64 bits); strings and vectors: their length as a
// 64-bit integer, then the bytes or the items; optionals: one byte 0 (absent) or 1 then the value; a mark: its bits.

pub struct Fnv(u64);

impl Fnv {
    fn bytes(&mut self, data: &[u8]) {
        for &b in data {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

pub trait Checksum {
    fn feed(&self, h: &mut Fnv);
}

impl Checksum for u64 {
    fn feed(&self, h: &mut Fnv) {
        h.bytes(&self.to_le_bytes());
    }
}
impl Checksum for i64 {
    fn feed(&self, h: &mut Fnv) {
        h.bytes(&self.to_le_bytes());
    }
}
impl Checksum for i32 {
    fn feed(&self, h: &mut Fnv) {
        i64::from(*self).feed(h);
    }
}
impl Checksum for StandardMark {
    fn feed(&self, h: &mut Fnv) {
        self.0.feed(h);
    }
}
impl Checksum for String {
    fn feed(&self, h: &mut Fnv) {
        (self.len() as u64).feed(h);
        h.bytes(self.as_bytes());
    }
}
impl<T: Checksum> Checksum for Option<T> {
    fn feed(&self, h: &mut Fnv) {
        match self {
            None => h.bytes(&[0]),
            Some(value) => {
                h.bytes(&[1]);
                value.feed(h);
            }
        }
    }
}
impl<T: Checksum> Checksum for Vec<T> {
    fn feed(&self, h: &mut Fnv) {
        (self.len() as u64).feed(h);
        for item in self {
            item.feed(h);
        }
    }
}

macro_rules! checksum {
    ($($type:ty { $($field:ident),* })*) => {$(
        impl Checksum for $type {
            fn feed(&self, h: &mut Fnv) {
                $(self.$field.feed(h);)*
            }
        }
    )*};
}

checksum! {
    ContactItem { kind, to_account, to_group_id }
    GroupItem { group_name, group_id }
    ContactMarkItem { kind, to_account, to_group_id, standard_mark, custom_mark, contact_group_id, timestamp }
    ContactResult { contact_item, result_code, result_info }
    GroupContactItem { group_name, contact_item }
    CreateContactGroupRequest { from_account, group_contact_item }
    GroupResultItem { group_item, result_item }
    CreateContactGroupResponse { action_status, error_code, error_info, error_display, group_result_item }
    DelContactGroupRequest { from_account, group_name }
    DelContactGroupResponse { action_status, error_code, error_info, error_display, group_item }
    DeleteRequest { from_account, kind, to_account, to_groupid, clear_ramble }
    DeleteResponse { action_status, error_code, error_info, error_display }
    GetContactGroupRequest { from_account, start_index }
    GetContactGroupResponse { action_status, error_code, error_info, error_display, contact_item, group_item,
                              complete_flag, next_start_index, complete_time }
    GetListRequest { from_account, time_stamp, start_index, top_time_stamp, top_start_index, assist_flags }
    SessionItem { kind, to_account, group_id, msg_time, top_flag, standard_mark, custom_mark, contact_group_id }
    GetListResponse { action_status, error_code, error_info, error_display, session_item, complete_flag, time_stamp,
                      start_index, top_time_stamp, top_start_index }
    MarkItem { opt_type, contact_item, set_mark, clear_mark, custom_mark }
    MarkContactRequest { from_account, mark_item }
    MarkResult { opt_type, contact_item, result_code, result_info }
    MarkContactResponse { action_status, error_code, error_info, error_display, result_item }
    SearchContactGroupRequest { from_account, contact_item }
    SearchContactGroupResponse { action_status, error_code, error_info, error_display, contact_result_item, group_item }
    ContactUpdateItem { contact_opt_type, contact_item }
    UpdateGroup { update_group_type, old_group_name, new_group_name, contact_update_item }
    UpdateContactGroupRequest { from_account, update_type, update_group }
    ContactUpdateResult { contact_opt_type, contact_item, result_code, result_info }
    UpdateGroupResult { update_group_type, group_name, group_id, old_group_name, contact_result_item }
    UpdateContactGroupResponse { action_status, error_code, error_info, error_display, update_type,
                                 update_group_result }
}

fn checksum_of<T: Checksum>(value: &T) -> u64 {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    value.feed(&mut h);
    h.0
}

// --- the C ABI ---------------------------------------------------------------------------------------------------

/// A decoded message kept for the encode benchmark.
trait Message {
    fn encode(&self) -> String;
    fn checksum(&self) -> u64;
}

impl<T: Serialize + Checksum> Message for T {
    fn encode(&self) -> String {
        // Serializing these structs cannot fail: no map with non-string keys, no custom error.
        serde_json::to_string(self).unwrap_or_default()
    }
    fn checksum(&self) -> u64 {
        checksum_of(self)
    }
}

macro_rules! messages {
    ($($id:literal $name:literal $type:ty;)*) => {
        fn kind_of(name: &[u8]) -> i32 {
            match name {
                $($name => $id,)*
                _ => -1,
            }
        }
        fn decode_and_drop(kind: i32, text: &str) -> bool {
            match kind {
                $($id => match serde_json::from_str::<$type>(text) {
                    Ok(value) => { black_box(&value); true }
                    Err(_) => false,
                },)*
                _ => false,
            }
        }
        fn load(kind: i32, text: &str) -> Result<Box<dyn Message>, String> {
            match kind {
                $($id => serde_json::from_str::<$type>(text)
                    .map(|value| Box::new(value) as Box<dyn Message>)
                    .map_err(|e| e.to_string()),)*
                _ => Err("unknown message kind".to_string()),
            }
        }
    };
}

messages! {
    0 b"create_contact_group.request" CreateContactGroupRequest;
    1 b"create_contact_group.response" CreateContactGroupResponse;
    2 b"del_contact_group.request" DelContactGroupRequest;
    3 b"del_contact_group.response" DelContactGroupResponse;
    4 b"delete.request" DeleteRequest;
    5 b"delete.response" DeleteResponse;
    6 b"get_contact_group.request" GetContactGroupRequest;
    7 b"get_contact_group.response" GetContactGroupResponse;
    8 b"get_list.request" GetListRequest;
    9 b"get_list.response" GetListResponse;
    10 b"mark_contact.request" MarkContactRequest;
    11 b"mark_contact.response" MarkContactResponse;
    12 b"search_contact_group.request" SearchContactGroupRequest;
    13 b"search_contact_group.response" SearchContactGroupResponse;
    14 b"update_contact_group.request" UpdateContactGroupRequest;
    15 b"update_contact_group.response" UpdateContactGroupResponse;
}

unsafe fn bytes<'a>(data: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(data, len)
    }
}

/// The message kind of "<command>.<request|response>", or -1.
#[no_mangle]
pub unsafe extern "C" fn tcchat_serde_kind(name: *const u8, len: usize) -> i32 {
    kind_of(bytes(name, len))
}

/// The body as &str, as a Rust client gets it (reqwest's `text()`, or `from_utf8` of the bytes): one pass that
/// validates the whole body's UTF-8 at once, which serde_json::from_str then trusts. It is part of every timed
/// decode. (from_slice validates string by string instead, and measured 15-20 % slower on the pages.)
unsafe fn body<'a>(text: *const u8, len: usize) -> Result<&'a str, String> {
    std::str::from_utf8(bytes(text, len)).map_err(|e| e.to_string())
}

/// Decodes `text` as a message of `kind` and drops the value (the timed decode): 1 when it decoded.
#[no_mangle]
pub unsafe extern "C" fn tcchat_serde_decode(kind: i32, text: *const u8, len: usize) -> i32 {
    match body(text, len) {
        Ok(text) => i32::from(decode_and_drop(kind, text)),
        Err(_) => 0,
    }
}

/// Decodes `text` and keeps the value for tcchat_serde_checksum and the encodes; null on failure, with serde_json's
/// message copied (truncated, NUL-terminated) into `message`.
#[no_mangle]
pub unsafe extern "C" fn tcchat_serde_load(kind: i32, text: *const u8, len: usize, message: *mut u8,
                                           capacity: usize) -> *mut c_void {
    match body(text, len).and_then(|text| load(kind, text)) {
        Ok(value) => Box::into_raw(Box::new(value)) as *mut c_void,
        Err(e) => {
            if capacity > 0 {
                let n = e.len().min(capacity - 1);
                std::ptr::copy_nonoverlapping(e.as_ptr(), message, n);
                *message.add(n) = 0;
            }
            std::ptr::null_mut()
        }
    }
}

/// The checksum of a loaded message.
#[no_mangle]
pub unsafe extern "C" fn tcchat_serde_checksum(handle: *const c_void) -> u64 {
    (*(handle as *const Box<dyn Message>)).checksum()
}

/// serde_json::to_string of a loaded message, dropped (the timed encode): its length.
#[no_mangle]
pub unsafe extern "C" fn tcchat_serde_encode(handle: *const c_void) -> usize {
    let text = (*(handle as *const Box<dyn Message>)).encode();
    black_box(&text);
    text.len()
}

/// serde_json::to_string of a loaded message, copied into `out` when it fits: its length.
#[no_mangle]
pub unsafe extern "C" fn tcchat_serde_encode_copy(handle: *const c_void, out: *mut u8, capacity: usize) -> usize {
    let text = (*(handle as *const Box<dyn Message>)).encode();
    if text.len() <= capacity {
        std::ptr::copy_nonoverlapping(text.as_ptr(), out, text.len());
    }
    text.len()
}

/// Frees a loaded message.
#[no_mangle]
pub unsafe extern "C" fn tcchat_serde_free(handle: *mut c_void) {
    if !handle.is_null() {
        drop(Box::from_raw(handle as *mut Box<dyn Message>));
    }
}

/// Allocations (alloc and realloc) made by the Rust side so far.
#[no_mangle]
pub extern "C" fn tcchat_serde_allocations() -> u64 {
    ALLOCATIONS.load(Ordering::Relaxed)
}
