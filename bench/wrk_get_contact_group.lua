-- The request of bench_network.cpp for wrk: get_contact_group for user0, POSTed on keep-alive connections, with
-- the same query a tcchat client sends (only its `random` differs per call).
local target = "/v4/recentcontact/get_contact_group?sdkappid=1400000000&identifier=admin&usersig=bench-usersig&random=1&contenttype=json"
local body = '{"From_Account":"user0","StartIndex":0}'
local prepared

init = function()
  prepared = wrk.format("POST", target, {["Content-Type"] = "application/json"}, body)
end

request = function()
  return prepared
end
