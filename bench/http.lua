-- bench/http.lua: complete outpatient flows through `yibao serve` with wrk
-- (bench/http.sh runs it; docs/performance.md, "Server (bench/http)").
--
--   wrk -t2 -c128 -d20s -s bench/http.lua URL -- PERSONS INSTITUTIONS SECRET [RUN [INPATIENT%]]
--
-- Every flow is a new visit: 2201 registers a random person at a random
-- institution, 2204 uploads 5 fee lines, 2207 settles them. With
-- INPATIENT% > 0 that share of flows are stays instead: 2401 admits one of
-- the last fifth of the persons (each at most once a run), 2301 uploads 5
-- lines, 2304 settles the stay, 2402 discharges it. Every request
-- is signed (x-tif-* headers, SHA-256 of timestamp + secret + nonce +
-- timestamp, computed here in Lua) with a fresh nonce and its own msgid.
--
-- wrk calls request() and response() per thread, not per connection, so
-- flows are not tied to connections: each request() sends the oldest step
-- that is ready (a 2207 whose lines are uploaded, else a 2204 whose visit
-- is registered, else a new 2201), and each response() makes the next step
-- of its flow ready. The answer tells which flow it belongs to: 2201's
-- output.data.mdtrt_id; 2204's feedetl_sn, which carries the mdtrt_id;
-- 2207's setlinfo.mdtrt_id. The latency of each 2207 (from request() to
-- its response(), so including the wait for a free connection slot) is
-- recorded; done() prints settlements per second and its p50/p99.

local ffi = require("ffi")
local bit = require("bit")
local band, bor, bxor, bnot, ror, rshift, tobit = bit.band, bit.bor, bit.bxor, bit.bnot, bit.ror, bit.rshift, bit.tobit

ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } yb_timespec;
int clock_gettime(int clk, yb_timespec *ts);
]]
local ts = ffi.new("yb_timespec")
local function now_us()
	ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
	return tonumber(ts.tv_sec) * 1000000 + math.floor(tonumber(ts.tv_nsec) / 1000)
end

-- ------------------------------------------------------------- SHA-256
local K = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
}
for i = 1, 64 do K[i] = tobit(K[i]) end
local W = {}

local function sha256_hex(msg)
	local len = #msg
	msg = msg .. "\128" .. string.rep("\0", (55 - len) % 64)
	local bits = len * 8
	msg = msg .. string.char(0, 0, 0, 0,
		band(rshift(bits, 24), 255), band(rshift(bits, 16), 255), band(rshift(bits, 8), 255), band(bits, 255))
	local h0, h1, h2, h3 = tobit(0x6a09e667), tobit(0xbb67ae85), tobit(0x3c6ef372), tobit(0xa54ff53a)
	local h4, h5, h6, h7 = tobit(0x510e527f), tobit(0x9b05688c), tobit(0x1f83d9ab), tobit(0x5be0cd19)
	for blk = 1, #msg, 64 do
		for i = 0, 15 do
			local a, b, c, d = msg:byte(blk + i * 4, blk + i * 4 + 3)
			W[i] = bor(bit.lshift(a, 24), bit.lshift(b, 16), bit.lshift(c, 8), d)
		end
		for i = 16, 63 do
			local w15, w2 = W[i - 15], W[i - 2]
			local s0 = bxor(ror(w15, 7), ror(w15, 18), rshift(w15, 3))
			local s1 = bxor(ror(w2, 17), ror(w2, 19), rshift(w2, 10))
			W[i] = tobit(W[i - 16] + s0 + W[i - 7] + s1)
		end
		local a, b, c, d, e, f, g, h = h0, h1, h2, h3, h4, h5, h6, h7
		for i = 0, 63 do
			local S1 = bxor(ror(e, 6), ror(e, 11), ror(e, 25))
			local ch = bxor(band(e, f), band(bnot(e), g))
			local t1 = tobit(h + S1 + ch + K[i + 1] + W[i])
			local S0 = bxor(ror(a, 2), ror(a, 13), ror(a, 22))
			local maj = bxor(band(a, b), band(a, c), band(b, c))
			local t2 = tobit(S0 + maj)
			h, g, f, e, d, c, b, a = g, f, e, tobit(d + t1), c, b, a, tobit(t1 + t2)
		end
		h0, h1, h2, h3 = tobit(h0 + a), tobit(h1 + b), tobit(h2 + c), tobit(h3 + d)
		h4, h5, h6, h7 = tobit(h4 + e), tobit(h5 + f), tobit(h6 + g), tobit(h7 + h)
	end
	return bit.tohex(h0) .. bit.tohex(h1) .. bit.tohex(h2) .. bit.tohex(h3) ..
		bit.tohex(h4) .. bit.tohex(h5) .. bit.tohex(h6) .. bit.tohex(h7)
end

-- --------------------------------------------------------- per thread
local threads = {}
local id = 0

function setup(thread)
	id = id + 1
	thread:set("tid", id)
	table.insert(threads, thread)
end

local persons, insts, secret, ip_pct
local serial, run, next_stay = 0, 1, 0
local ready_dscg, ready_setl, ready_upload = {}, {}, {}   -- queues of mdtrt_id
local flows = {}                          -- mdtrt_id -> {psn, inst, ip, t}
settled, stays, failed, lat, lat_ip = 0, 0, 0, {}, {}     -- read by done() through thread:get
errors = {}

function init(args)
	persons = tonumber(args[1]) or 100000
	insts = tonumber(args[2]) or 32
	secret = args[3] or "bench-secret"
	run = tonumber(args[4]) or 1
	ip_pct = tonumber(args[5]) or 0
	math.randomseed(run * 1000 + tid)
	if sha256_hex("abc") ~= "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" then
		error("sha256 self-test failed")
	end
end

-- outpatient: 5 lines, 163.20 in all; inpatient: 5 lines, 3,164.00
local FEES = {
	{ "XC09AAK063A001010104328", "30.00", "2", "15.00" },
	{ "250101001", "20.00", "1", "20.00" },
	{ "XJ01CRA229A001010100512", "45.20", "2", "22.60" },
	{ "001101000010000", "10.00", "1", "10.00" },
	{ "XN06BXX001B001010100000", "58.00", "1", "58.00" },
}
local TOTAL = "163.20"
local IP_FEES = {
	{ "XC09AAK063A001010104328", "1500.00", "50", "30.00" },
	{ "250101001", "20.00", "1", "20.00" },
	{ "XJ01CRA229A001010100512", "450.00", "20", "22.50" },
	{ "210102015", "180.00", "1", "180.00" },
	{ "XL01XEA052A001010101523", "1014.00", "6", "169.00" },
}
local IP_TOTAL = "3164.00"

local function next_msgid(code)
	serial = serial + 1
	return string.format("%s%02d%02d%014d", code, run, tid, serial)
end

local function signed(code, body)
	local t = tostring(os.time())
	serial = serial + 1
	local nonce = string.format("%02d%x%08x", tid, serial, math.random(0, 0x7fffffff))
	local headers = {
		["Content-Type"] = "application/json;charset=UTF-8",
		["x-tif-paasid"] = code,
		["x-tif-timestamp"] = t,
		["x-tif-nonce"] = nonce,
		["x-tif-signature"] = sha256_hex(t .. secret .. nonce .. t),
	}
	return wrk.format("POST", nil, headers, body)
end

local function envelope(infno, code, input)
	return string.format('{"infno":"%s","msgid":"%s","fixmedins_code":"%s","insuplc_admdvs":"340600",'
		.. '"mdtrtarea_admvs":"340603","inf_time":"2024-06-01 09:00:00","opter":"01","input":%s}',
		infno, next_msgid(code), code, input)
end

function request()
	local m = table.remove(ready_dscg, 1)
	if m then -- an inpatient stay, settled: discharge
		local f = flows[m]
		return signed(f.inst, envelope("2402", f.inst, string.format(
			'{"dscginfo":{"mdtrt_id":"%s","psn_no":"%s","endtime":"2024-07-05 10:00:00","dscg_way":"1",'
			.. '"dise_codg":"J18.900","dise_name":"肺炎"}}', m, f.psn)))
	end
	m = table.remove(ready_setl, 1)
	if m then
		local f = flows[m]
		f.t = now_us()
		return signed(f.inst, envelope(f.ip and "2304" or "2207", f.inst, string.format(
			'{"data":{"psn_no":"%s","mdtrt_id":"%s","med_type":"%s","medfee_sumamt":"%s",'
			.. '"psn_setlway":"01","acct_used_flag":"1","chrg_bchno":"0000"%s}}', f.psn, m,
			f.ip and "21" or "11", f.ip and IP_TOTAL or TOTAL, f.ip and ',"mid_setl_flag":"0"' or "")))
	end
	m = table.remove(ready_upload, 1)
	if m then
		local f = flows[m]
		local fees, when = f.ip and IP_FEES or FEES, f.ip and "2024-07-02 09:00:00" or "2024-06-01 09:05:00"
		local lines = {}
		for i, l in ipairs(fees) do
			lines[i] = string.format('{"feedetl_sn":"%s-%d","mdtrt_id":"%s","psn_no":"%s","chrg_bchno":"1",'
				.. '"med_list_codg":"%s","det_item_fee_sumamt":"%s","cnt":"%s","pric":"%s",'
				.. '"fee_ocur_time":"%s"}', m, i, m, f.psn, l[1], l[2], l[3], l[4], when)
		end
		return signed(f.inst, envelope(f.ip and "2301" or "2204", f.inst,
			'{"feedetail":[' .. table.concat(lines, ",") .. ']}'))
	end
	local inst = string.format("H34060%06d", math.random(1, insts))
	-- the last fifth of the persons are for stays, each admitted once in a
	-- run (threads take turns), so that no admission meets an open stay
	local ip_first = math.floor(persons * 0.8)
	if ip_pct > 0 and math.random(1, 100) <= ip_pct and ip_first + next_stay * 16 + tid < persons then
		local psn = string.format("P34060%010d", ip_first + next_stay * 16 + tid - 1)
		next_stay = next_stay + 1
		return signed(inst, envelope("2401", inst, string.format(
			'{"mdtrtinfo":{"psn_no":"%s","begntime":"2024-07-01 08:00:00","med_type":"21","ipt_no":"%s-%d",'
			.. '"adm_diag_dscr":"肺炎","dise_codg":"J18.900","dise_name":"肺炎"}}', psn, inst, serial)))
	end
	local psn = string.format("P34060%010d", math.random(0, ip_first - 1))
	return signed(inst, envelope("2201", inst, string.format(
		'{"data":{"psn_no":"%s","begntime":"2024-06-01 09:00:00","ipt_otp_no":"%s-%d","dept_code":"A03"}}',
		psn, inst, serial)))
end

local function fail(kind, body)
	failed = failed + 1
	local msg = body:match('"err_msg":"([^"]*)"') or body:sub(1, 80)
	local key = kind .. ": " .. msg:sub(1, 100)
	errors[key] = (errors[key] or 0) + 1
end

function response(status, headers, body)
	if body:find('"infcode":0,', 1, true) ~= 2 then
		fail("HTTP " .. status, body)
		return
	end
	local m = body:match('"setlinfo":{"mdtrt_id":"([^"]+)"')
	if m then -- 2207 or 2304
		local f = flows[m]
		if f and f.ip then
			lat_ip[#lat_ip + 1] = now_us() - f.t
			ready_dscg[#ready_dscg + 1] = m
		elseif f then
			lat[#lat + 1] = now_us() - f.t
			flows[m] = nil
			settled = settled + 1
		end
		return
	end
	m = body:match('"feedetl_sn":"([^"]+)%-1"')
	if m then -- 2204 or 2301
		ready_setl[#ready_setl + 1] = m
		return
	end
	m = body:match('"output":{"mdtrt_id":"([^"]+)"')
	if m and body:find('"status":"discharged"', 1, true) then -- 2402
		flows[m] = nil
		stays = stays + 1
		return
	end
	local node
	node, m = body:match('"output":{"(%a+)":{"mdtrt_id":"([^"]+)"')
	if m then -- 2201 (data) or 2401 (result): ipt_otp_no carries the institution
		flows[m] = {
			psn = body:match('"psn_no":"([^"]+)"'),
			inst = body:match('"ipt_otp_no":"([^"-]+)%-'),
			ip = node == "result",
		}
		ready_upload[#ready_upload + 1] = m
		return
	end
	fail("unrecognised answer", body)
end

-- ------------------------------------------------------------- summary
function done(summary, latency, requests)
	local all, ip, n, st, bad, errs = {}, {}, 0, 0, 0, {}
	for _, t in ipairs(threads) do
		n = n + t:get("settled")
		st = st + t:get("stays")
		bad = bad + t:get("failed")
		for _, v in ipairs(t:get("lat")) do all[#all + 1] = v end
		for _, v in ipairs(t:get("lat_ip")) do ip[#ip + 1] = v end
		for k, v in pairs(t:get("errors")) do errs[k] = (errs[k] or 0) + v end
	end
	table.sort(all)
	table.sort(ip)
	local function pct(p, v)
		v = v or all
		if #v == 0 then return 0 end
		return v[math.max(1, math.ceil(#v * p))] / 1000
	end
	local secs = summary.duration / 1e6
	io.write(string.format("requests  : %d in %.1f s (%.0f/s), %d failed, %d socket errors\n",
		summary.requests, secs, summary.requests / secs, bad,
		summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
	io.write(string.format("settled   : %d complete outpatient settlements (2201 + 2204 x 5 lines + 2207), %.0f/s\n",
		n, n / secs))
	io.write(string.format("2207      : p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d measured)\n",
		pct(0.50), pct(0.99), pct(1.0), #all))
	if st > 0 or #ip > 0 then
		io.write(string.format("stays     : %d inpatient stays (2401 + 2301 x 5 lines + 2304 + 2402), %.0f/s; 2304 p50 %.2f ms, p99 %.2f ms\n",
			st, st / secs, pct(0.50, ip), pct(0.99, ip)))
	end
	io.write(string.format("all       : p50 %.2f ms, p99 %.2f ms (wrk, every request)\n",
		latency:percentile(50) / 1000, latency:percentile(99) / 1000))
	for k, v in pairs(errs) do io.write(string.format("error     : %d x %s\n", v, k)) end
end
