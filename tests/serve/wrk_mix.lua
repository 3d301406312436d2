-- The request mix of test_serve_load.cpp for wrk: four commands in turn on keep-alive connections.
local target = "/v4/recentcontact/%s?sdkappid=1400000000&identifier=admin&usersig=wrk-sig&random=1&contenttype=json"
local mix = {
  {"get_contact_group", '{"From_Account":"wrk-user","StartIndex":0}'},
  {"search_contact_group", '{"From_Account":"wrk-user","ContactItem":[{"Type":1,"To_Account":"peer1"}]}'},
  {"get_list", '{"From_Account":"wrk-user","TimeStamp":0,"StartIndex":0,"TopTimeStamp":0,"TopStartIndex":0,"AssistFlags":7}'},
  {"mark_contact", '{"From_Account":"wrk-user","MarkItem":[{"OptType":1,"ContactItem":{"Type":1,"To_Account":"peer2"},"SetMark":[5]}]}'},
}
local requests = {}
local sent = 0

init = function()
  for i, item in ipairs(mix) do
    requests[i] = wrk.format("POST", string.format(target, item[1]), {["Content-Type"] = "application/json"}, item[2])
  end
end

request = function()
  sent = sent + 1
  return requests[(sent % #requests) + 1]
end
