-- wrk script for bench/serve.sh: POST one JSON body per request, taken in
-- turn from the file named by the BODIES environment variable (one body per
-- line), with the bearer key from KEY.
local bodies = {}
local n = 0
local i = 0
local path = os.getenv("BENCH_PATH") or "/v1/conversations"
local headers = {
	["Content-Type"] = "application/json",
	["Authorization"] = "Bearer " .. (os.getenv("KEY") or ""),
}

function init(args)
	for line in io.lines(os.getenv("BODIES")) do
		n = n + 1
		bodies[n] = line
	end
	-- threads start at different places so they do not send the same bodies
	i = (tonumber(wrk.thread:get("id") or 0) * 7919) % n
end

function setup(thread)
	thread:set("id", setup_count or 0)
	setup_count = (setup_count or 0) + 1
end

function request()
	i = i % n + 1
	return wrk.format("POST", path, headers, bodies[i])
end
-- no response() callback: wrk then skips parsing bodies in Lua, and counts
-- non-2xx answers itself ("Non-2xx or 3xx responses")
