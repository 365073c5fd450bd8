#!/usr/bin/env bash
# Make the TLS material for one test-server run in DIR (default: the current
# directory).  Everything is throwaway and lives only as long as the run.
#
#   ca.pem                    a test CA; Go tests trust it through RootCAs
#   server.pem  server.key    signed by the CA for DNS:localhost, IP:127.0.0.1
#                             (the servers use this one)
#   wrong.pem   wrong.key     signed by the CA, but for DNS:wrong.example only
#   untrusted.pem untrusted.key  self-signed for localhost/127.0.0.1 (no CA)
#
# The last two exist for tests that check that a client refuses a server it
# should not trust.  Keys are EC P-256: generating one takes a few ms, RSA-2048
# takes a few hundred.  The CA key is deleted once the certificates are signed,
# so nothing else can ever be signed by this CA.
set -euo pipefail

dir=${1:-.}
mkdir -p "$dir"
cd "$dir"

# A private openssl config, so the system's openssl.cnf (which differs between
# distributions and adds its own extensions to -x509 certificates) plays no part.
cat > openssl.cnf <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = imaplib test
[ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[localhost]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[wrong]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[selfsigned]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
CNF

# newcert NAME SUBJECT SECTION [CA options...]: a fresh P-256 key NAME.key and
# a certificate NAME.pem valid for 30 days (from one hour ago, in case clocks
# differ a little).  Without CA options the certificate is self-signed.
newcert() {
	local name=$1 subj=$2 section=$3
	shift 3
	openssl req -x509 -config openssl.cnf -extensions "$section" \
		-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$name.key" -out "$name.pem" -subj "$subj" -days 30 "$@" \
		2>"$name.err" || { cat "$name.err" >&2; return 1; }
	rm -f "$name.err"
}

# Each openssl run costs 30-60 ms, mostly process start, so the independent
# ones run in parallel: the self-signed one beside the CA, then the two that
# the CA signs.  "wait PID" returns the job's status, so set -e stops on errors.
newcert untrusted /CN=localhost selfsigned &
untrusted=$!
newcert ca "/CN=imaplib test CA $$" ca
newcert server /CN=localhost localhost -CA ca.pem -CAkey ca.key &
server=$!
newcert wrong /CN=wrong.example wrong -CA ca.pem -CAkey ca.key &
wrong=$!
wait "$untrusted"
wait "$server"
wait "$wrong"
rm -f ca.key openssl.cnf
chmod 600 ./*.key
