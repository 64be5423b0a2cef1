# Writes OUT_H and OUT_CC with the SQL files in SQL_FILES as a function
# `std::vector<goalpost::Migration> ${SCHEMA}Migrations()`. File names must
# start with a version number: 0001_create_tables.sql.
set(header "#pragma once\n#include <vector>\n#include \"common/migrations.h\"\n\nnamespace goalpost {\nstd::vector<Migration> ${SCHEMA}Migrations();\n}  // namespace goalpost\n")
file(WRITE ${OUT_H} "${header}")

set(body "#include \"${SCHEMA}_migrations.h\"\n\nnamespace goalpost {\n\nstd::vector<Migration> ${SCHEMA}Migrations() {\n  return {\n")
foreach(sql_file ${SQL_FILES})
  get_filename_component(file_name ${sql_file} NAME_WE)
  string(REGEX MATCH "^[0-9]+" version ${file_name})
  if(NOT version)
    message(FATAL_ERROR "migration ${sql_file} must start with a version number")
  endif()
  math(EXPR version "${version}")
  file(READ ${sql_file} sql)
  string(APPEND body "      {${version}, \"${file_name}\", R\"goalpost_sql(${sql})goalpost_sql\"},\n")
endforeach()
string(APPEND body "  };\n}\n\n}  // namespace goalpost\n")
file(WRITE ${OUT_CC} "${body}")
