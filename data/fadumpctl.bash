# SPDX-License-Identifier: LGPL-2.1-or-later
# bash completion for fadumpctl(8)
#
# The command list is kept here rather than read from 'fadumpctl --help' at
# every TAB; tests/cli/test_completion.py checks it against --help.

_fadumpctl()
{
	local cur prev words cword split
	_init_completion -s || return

	local commands='status register unregister reregister release regions
		devtree bootargs info save dmesg read metadata check crashinfo decode
		help'
	local global_opts='--root --json --verbose --config --help --version'
	local decode_types='kernel-dump regsave hdat crashinfo opal-fdm opal-cpu'

	case $prev in
	--root | -r)
		_filedir -d
		return
		;;
	--config | -c)
		_filedir
		return
		;;
	--source)
		# devtree: where to read the device tree from; save: a vmcore file
		local w
		for w in "${words[@]:1:cword-1}"; do
			if [[ $w == devtree ]]; then
				COMPREPLY=($(compgen -W 'auto dir fdt' -- "$cur"))
				return
			fi
		done
		_filedir
		return
		;;
	--cpu)
		return
		;;
	--level)
		# makedumpfile's -d: 31 leaves out all it can, 0 keeps every page
		COMPREPLY=($(compgen -W '31 0' -- "$cur"))
		return
		;;
	--format)
		COMPREPLY=($(compgen -W 'kdump elf' -- "$cur"))
		return
		;;
	--compress)
		COMPREPLY=($(compgen -W 'zstd zlib lzo none' -- "$cur"))
		return
		;;
	--threads)
		COMPREPLY=($(compgen -W 'auto' -- "$cur"))
		return
		;;
	--release)
		# only as --release=VALUE: a bare --release takes no argument
		if [[ $split == true ]]; then
			COMPREPLY=($(compgen -W 'auto ranges end' -- "$cur"))
			return
		fi
		;;
	esac

	# The command: the first word that is neither an option nor an
	# option's argument.
	local i cmd= cmd_at=0
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--root | -r | --config | -c | --source | --cpu | --level | --format | \
			--compress | --threads)
			((i++))
			;;
		--)
			;;
		-*)
			;;
		*)
			cmd=${words[i]}
			cmd_at=$i
			break
			;;
		esac
	done

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi

	# Arguments after the command, options left out.
	local args=() j
	for ((j = cmd_at + 1; j < cword; j++)); do
		case ${words[j]} in
		--root | -r | --config | -c | --source | --cpu | --range | --level | \
			--format | --compress | --threads)
			((j++))
			;;
		-*) ;;
		*) args+=("${words[j]}") ;;
		esac
	done

	if [[ $cur == -* ]]; then
		local opts=$global_opts
		case $cmd in
		save) opts+=' --release --release= --force --source --level --format
			--compress --threads --keep-opalcore' ;;
		release) opts+=' --range' ;;
		devtree) opts+=' --source' ;;
		info) opts+=' --registers --cpu --pages --zero' ;;
		read) opts+=' --virt' ;;
		esac
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi

	case $cmd in
	save)
		# DEST: a directory (created if missing)
		((${#args[@]} == 0)) && _filedir -d
		;;
	info | dmesg)
		((${#args[@]} == 0)) && _filedir
		;;
	read)
		# ADDR LEN, then the vmcore
		((${#args[@]} == 2)) && _filedir
		;;
	decode)
		if ((${#args[@]} == 0)); then
			COMPREPLY=($(compgen -W "$decode_types" -- "$cur"))
		elif ((${#args[@]} == 1)); then
			_filedir
		elif ((${#args[@]} == 2)) && [[ ${args[0]} == opal-fdm ]]; then
			COMPREPLY=($(compgen -W 'be le' -- "$cur"))
		fi
		;;
	bootargs)
		((${#args[@]} == 0)) && COMPREPLY=($(compgen -W 'get set' -- "$cur"))
		;;
	esac
} &&
	complete -F _fadumpctl fadumpctl
